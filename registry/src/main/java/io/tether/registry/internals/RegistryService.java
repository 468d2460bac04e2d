package io.tether.registry.internals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tether.registry.CompatibilityLevel;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry's operations, independent of HTTP: reads from the {@link SchemaStore}, writes through the topic. */
public final class RegistryService {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryService.class);
    /** Reads wait at most this long for Kafka before serving what this instance already has. */
    private static final Duration READ_CATCH_UP = Duration.ofSeconds(5);

    private final SchemaStore store;
    private final SchemasTopic topic;
    private final LogRecordCodec codec;
    private final Duration timeout;

    public RegistryService(final SchemaStore store, final SchemasTopic topic, final LogRecordCodec codec, final Duration timeout) {
        this.store = store;
        this.topic = topic;
        this.codec = codec;
        this.timeout = timeout;
    }

    /** Registers the schema under the subject (or finds it there already) and returns its global id. */
    public int register(final String subject, final String schemaText) {
        final Schema schema = parse(schemaText);
        final String normalized = schema.toString();
        return topic.write(() -> {
            final Optional<StoredSchema> existing = store.find(subject, normalized);
            if (existing.isPresent()) {
                return WritePlan.nothingToWrite(existing.get().id());
            }
            final CompatibilityLevel level = store.effectiveLevel(subject);
            final List<String> problems = CompatibilityChecker.problems(level, schema, store.versions(subject));
            if (!problems.isEmpty()) {
                throw new RegistryException(ErrorCode.INCOMPATIBLE_SCHEMA, "Schema being registered is incompatible "
                        + "with an earlier schema for subject \"" + subject + "\" (compatibility " + level + "): "
                        + String.join("; ", problems));
            }
            final int id = store.idOf(normalized).orElseGet(store::nextId);
            final int version = store.latest(subject).map(StoredSchema::version).orElse(0) + 1;
            final StoredSchema stored = new StoredSchema(subject, version, id, normalized);
            LOG.info("Writing subject {} version {} with id {}", subject, version, id);
            return WritePlan.append(codec.schemaKey(subject, version), codec.schemaValue(stored), id);
        });
    }

    /** The version of the subject holding this schema. */
    public StoredSchema lookup(final String subject, final String schemaText) {
        final String normalized = parse(schemaText).toString();
        freshen();
        requireSubject(subject);
        return store.find(subject, normalized).orElseThrow(() -> new RegistryException(ErrorCode.SCHEMA_NOT_FOUND,
                "Schema not found under subject '" + subject + "'"));
    }

    public List<String> subjects() {
        freshen();
        return store.subjects();
    }

    public List<Integer> versions(final String subject) {
        freshen();
        return requireSubject(subject).stream().map(StoredSchema::version).toList();
    }

    /** A version by number, or "latest" / -1 for the newest. */
    public StoredSchema version(final String subject, final String version) {
        final int number = parseVersion(version);
        freshen();
        final List<StoredSchema> versions = requireSubject(subject);
        if (number == -1) {
            return versions.get(versions.size() - 1);
        }
        return store.version(subject, number).orElseThrow(() -> new RegistryException(ErrorCode.VERSION_NOT_FOUND,
                "Version " + number + " not found for subject '" + subject + "'"));
    }

    public String schemaById(final int id) {
        return store.schemaById(id).or(() -> {
            freshen();
            return store.schemaById(id);
        }).orElseThrow(() -> new RegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Schema " + id + " not found"));
    }

    public CompatibilityLevel globalLevel() {
        freshen();
        return store.globalLevel();
    }

    /** The subject's own level; with fallback the global level when it has none. */
    public CompatibilityLevel subjectLevel(final String subject, final boolean fallbackToGlobal) {
        freshen();
        final Optional<CompatibilityLevel> level = store.subjectLevel(subject);
        if (level.isPresent() || fallbackToGlobal) {
            return level.orElseGet(store::globalLevel);
        }
        throw new RegistryException(ErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    /** Sets the level of a subject, or the global level when subject is null. */
    public CompatibilityLevel setLevel(final String subject, final String levelName) {
        final CompatibilityLevel level = CompatibilityLevel.parse(levelName).orElseThrow(() -> new RegistryException(
                ErrorCode.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '" + levelName
                        + "'; valid levels are " + List.of(CompatibilityLevel.values())));
        return topic.write(() -> {
            final Optional<CompatibilityLevel> current = subject == null
                    ? Optional.of(store.globalLevel()) : store.subjectLevel(subject);
            if (current.equals(Optional.of(level))) {
                return WritePlan.nothingToWrite(level);
            }
            return WritePlan.append(codec.configKey(subject), codec.configValue(level), level);
        });
    }

    /**
     * Problems registering the schema as the next version would cause, checked against the given version
     * ("latest" or a number) under the subject's level; empty when compatible.
     */
    public List<String> compatibilityProblems(final String subject, final String version, final String schemaText) {
        final Schema schema = parse(schemaText);
        final int number = parseVersion(version);
        freshen();
        final List<StoredSchema> versions = requireSubject(subject);
        final CompatibilityLevel level = store.effectiveLevel(subject);
        final List<StoredSchema> against;
        if (number == -1) {
            against = versions;
        } else {
            final StoredSchema one = store.version(subject, number).orElseThrow(() -> new RegistryException(
                    ErrorCode.VERSION_NOT_FOUND, "Version " + number + " not found for subject '" + subject + "'"));
            against = level.transitive() ? versions.stream().filter(v -> v.version() <= number).toList() : List.of(one);
        }
        return CompatibilityChecker.problems(level, schema, against);
    }

    /** Reads writes other instances made; when Kafka is unreachable the local state is served as it is. */
    private void freshen() {
        try {
            topic.catchUp(System.nanoTime() + Math.min(timeout.toNanos(), READ_CATCH_UP.toNanos()));
        } catch (final RegistryException e) {
            LOG.warn("Serving possibly stale state: {}", e.getMessage());
        }
    }

    private List<StoredSchema> requireSubject(final String subject) {
        final List<StoredSchema> versions = store.versions(subject);
        if (versions.isEmpty()) {
            throw new RegistryException(ErrorCode.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private static int parseVersion(final String version) {
        if ("latest".equals(version)) {
            return -1;
        }
        try {
            final int number = Integer.parseInt(version);
            if (number == -1 || number >= 1) {
                return number;
            }
        } catch (final NumberFormatException e) {
            // falls through to the error below
        }
        throw new RegistryException(ErrorCode.INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id; allowed are 'latest', -1 and 1.."
                        + Integer.MAX_VALUE);
    }

    private static Schema parse(final String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new RegistryException(ErrorCode.INVALID_SCHEMA, "Invalid schema: empty");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (final AvroRuntimeException | NullPointerException | IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + reason(e), e);
        }
    }

    /** Avro's parse error in words a client can act on, without Java class names. */
    private static String reason(final RuntimeException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return "not valid JSON: " + json.getOriginalMessage();
        }
        final String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("^([a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error): ", "");
    }
}
