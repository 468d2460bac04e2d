package io.tether.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tether.schemas.event.ExecEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfluentFramingTest {
    private static final String TOPIC = "tether.exec";
    private final String scope = "framing-test-" + UUID.randomUUID();
    private final AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class);

    @AfterEach
    void tearDown() {
        serde.close();
        MockSchemaRegistryClient.dropScope(scope);
    }

    @Test
    void aFramedBodyIsWhatTheSerializerWritesAndTheDeserializerReads() throws IOException {
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope), false);
        final ExecEvent event = SampleRecords.exec();
        final byte[] serialized = serde.serializer().serialize(TOPIC, event);

        final byte[] body = plainBody(event);
        final int schemaId;
        try (SchemaRegistryClient client = SchemaRegistryClients.create(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope))) {
            schemaId = client.register(Subjects.forTopic(TOPIC, false), ExecEvent.getClassSchema());
        }
        // an offset inside a larger array, as a reused encode buffer hands it out
        final byte[] padded = new byte[body.length + 7];
        System.arraycopy(body, 0, padded, 3, body.length);
        final byte[] framed = ConfluentFraming.frame(schemaId, padded, 3, body.length);

        assertArrayEquals(serialized, framed);
        assertEquals(event, serde.deserializer().deserialize(TOPIC, framed));
    }

    private static byte[] plainBody(final ExecEvent event) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<>(ExecEvent.class).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
