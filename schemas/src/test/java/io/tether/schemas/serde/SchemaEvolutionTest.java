package io.tether.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tether.schemas.event.ExecEvent;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BACKWARD-compatible evolution of an event schema: consumers with the generated (current) class read records
 * written with a newer version (an added optional field) and with an older one (a field that has a default
 * missing); an incompatible change is refused by the registry.
 */
class SchemaEvolutionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "tether.exec";

    private final String scope = "evolution-test-" + UUID.randomUUID();
    private final Map<String, Object> configs = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
    private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);

    @AfterEach
    void dropScope() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    /** ExecEvent's current schema with its field list edited. */
    private static Schema execEventWith(final Consumer<ArrayNode> edit) throws IOException {
        final ObjectNode schema = (ObjectNode) JSON.readTree(ExecEvent.getClassSchema().toString());
        edit.accept((ArrayNode) schema.get("fields"));
        return new Schema.Parser().parse(schema.toString());
    }

    private static Schema withAddedOptionalField() throws IOException {
        return execEventWith(fields -> fields.addObject()
                .put("name", "environmentHash").put("doc", "added in v2").putNull("default")
                .putArray("type").add("null").add("string"));
    }

    private static Schema withoutCwd() throws IOException {
        return execEventWith(fields -> fields.remove(indexOf(fields, "cwd")));
    }

    private static int indexOf(final ArrayNode fields, final String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (name.equals(fields.get(i).get("name").asText())) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** The sample ExecEvent's values in a record of another version of its schema. */
    private static DynamicRecord asVersion(final Schema schema, final ExecEvent event) {
        final DynamicRecord record = new DynamicRecord(schema);
        for (final Schema.Field field : schema.getFields()) {
            final Schema.Field current = ExecEvent.getClassSchema().getField(field.name());
            if (current != null) {
                record.set(field.name(), event.get(current.pos()));
            }
        }
        return record;
    }

    private byte[] write(final SpecificRecord record) {
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>()) {
            serializer.configure(configs, false);
            return serializer.serialize(TOPIC, record);
        }
    }

    @Test
    void anOldReaderReadsRecordsWithAnAddedOptionalField() throws IOException {
        final ExecEvent event = SampleRecords.exec();
        write(event);
        final byte[] newer = write(asVersion(withAddedOptionalField(), event).set("environmentHash", "sha256:abc"));

        assertEquals(2, registry.versions("tether.exec-value").size());
        try (AvroDeserializer<ExecEvent> typed = new AvroDeserializer<>(ExecEvent.class);
             AvroDeserializer<SpecificRecord> byName = new AvroDeserializer<>()) {
            typed.configure(configs, false);
            byName.configure(configs, false);
            assertEquals(event, typed.deserialize(TOPIC, newer));
            assertEquals(event, byName.deserialize(TOPIC, newer));
        }
    }

    @Test
    void aNewReaderReadsOldRecordsFillingDefaults() throws IOException {
        final ExecEvent event = SampleRecords.exec();
        final byte[] older = write(asVersion(withoutCwd(), event));
        write(event);

        assertEquals(2, registry.versions("tether.exec-value").size());
        try (AvroDeserializer<ExecEvent> typed = new AvroDeserializer<>(ExecEvent.class)) {
            typed.configure(configs, false);
            final ExecEvent read = typed.deserialize(TOPIC, older);
            assertNull(read.getCwd());
            event.setCwd(null);
            assertEquals(event, read);
        }
    }

    @Test
    void anIncompatibleChangeIsRefusedWith409() throws IOException {
        write(SampleRecords.exec());
        final Schema requiredField = execEventWith(fields -> fields.addObject()
                .put("name", "mandatory").put("type", "string").put("doc", "no default: old data has no value"));
        final SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> write(asVersion(requiredField, SampleRecords.exec()).set("mandatory", "x")));
        assertEquals(409, e.errorCode());
        assertTrue(e.getMessage().contains("incompatible") && e.getMessage().contains("mandatory"), e.getMessage());
        assertEquals(1, registry.versions("tether.exec-value").size());
    }
}
