package io.tether.registry.internals;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tether.registry.CompatibilityLevel;

/**
 * Keys and values of the schemas topic, in the JSON layout Confluent's registry uses, so the topic reads the
 * same way to either: key {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}} with value
 * {@code {"subject","version","id","schema","deleted"}}, and key {@code {"keytype":"CONFIG","subject":s|null,"magic":0}}
 * with value {@code {"compatibilityLevel"}}. One key per subject version keeps the topic safe to compact.
 */
public final class LogRecordCodec {

    /** What one record of the schemas topic means. */
    public sealed interface Entry permits SchemaEntry, ConfigEntry, IgnoredEntry {
    }

    public record SchemaEntry(StoredSchema schema, boolean deleted) implements Entry {
    }

    /** A compatibility level; subject null means the global level, an empty level clears it. */
    public record ConfigEntry(String subject, Optional<CompatibilityLevel> level) implements Entry {
    }

    /** Records of other key types (Confluent's NOOP, MODE, ...) that carry nothing Tether uses. */
    public record IgnoredEntry(String keyType) implements Entry {
    }

    private final ObjectMapper mapper;

    public LogRecordCodec(final ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] schemaKey(final String subject, final int version) {
        final ObjectNode key = mapper.createObjectNode();
        key.put("keytype", "SCHEMA");
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return write(key);
    }

    public byte[] schemaValue(final StoredSchema schema) {
        final ObjectNode value = mapper.createObjectNode();
        value.put("subject", schema.subject());
        value.put("version", schema.version());
        value.put("id", schema.id());
        value.put("schema", schema.schema());
        value.put("deleted", false);
        return write(value);
    }

    public byte[] configKey(final String subject) {
        final ObjectNode key = mapper.createObjectNode();
        key.put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        return write(key);
    }

    public byte[] configValue(final CompatibilityLevel level) {
        final ObjectNode value = mapper.createObjectNode();
        value.put("compatibilityLevel", level.name());
        return write(value);
    }

    /**
     * Decodes one record.
     *
     * @throws IllegalArgumentException when the record is not a valid schemas-topic record
     */
    public Entry decode(final byte[] keyBytes, final byte[] valueBytes) {
        final JsonNode key = read(keyBytes, "key");
        final String keyType = key.path("keytype").asText("");
        switch (keyType) {
            case "SCHEMA": {
                final String subject = requiredText(key, "subject");
                final int version = requiredInt(key, "version");
                if (valueBytes == null) {
                    // a tombstone: compaction removes a hard-deleted version
                    return new SchemaEntry(new StoredSchema(subject, version, 0, ""), true);
                }
                final JsonNode value = read(valueBytes, "value");
                final StoredSchema schema = new StoredSchema(subject, version,
                        requiredInt(value, "id"), requiredText(value, "schema"));
                return new SchemaEntry(schema, value.path("deleted").asBoolean(false));
            }
            case "CONFIG": {
                final JsonNode subjectNode = key.path("subject");
                final String subject = subjectNode.isTextual() ? subjectNode.asText() : null;
                if (valueBytes == null) {
                    return new ConfigEntry(subject, Optional.empty());
                }
                final String level = requiredText(read(valueBytes, "value"), "compatibilityLevel");
                return new ConfigEntry(subject, Optional.of(CompatibilityLevel.parse(level).orElseThrow(
                        () -> new IllegalArgumentException("unknown compatibility level " + level))));
            }
            default:
                return new IgnoredEntry(keyType);
        }
    }

    private byte[] write(final JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot serialize " + node, e);
        }
    }

    private JsonNode read(final byte[] bytes, final String what) {
        if (bytes == null) {
            throw new IllegalArgumentException("record has no " + what);
        }
        try {
            final JsonNode node = mapper.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + " is not a JSON object");
            }
            return node;
        } catch (final IOException e) {
            throw new IllegalArgumentException(what + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static String requiredText(final JsonNode node, final String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a string");
        }
        return value.asText();
    }

    private static int requiredInt(final JsonNode node, final String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not an int");
        }
        return value.asInt();
    }
}
