package io.tether.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {
    private final String scope = "serde-test-" + UUID.randomUUID();
    private final Map<String, Object> configs = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);

    @AfterEach
    void dropScope() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    static Stream<SpecificRecord> records() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyRecordTypeRoundTripsThroughTypedAndNoArgSerdes(final SpecificRecord record) {
        final String topic = "t." + record.getSchema().getName();
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
             AvroDeserializer<SpecificRecord> byName = new AvroDeserializer<>();
             AvroSerde<SpecificRecord> typed = new AvroSerde<>(typeOf(record))) {
            serializer.configure(configs, false);
            byName.configure(configs, false);
            typed.configure(configs, false);

            final byte[] bytes = serializer.serialize(topic, record);
            final SpecificRecord viaName = byName.deserialize(topic, bytes);
            final SpecificRecord viaClass = typed.deserializer().deserialize(topic, bytes);

            assertEquals(record, viaName);
            assertEquals(record.getClass(), viaName.getClass());
            assertEquals(record, viaClass);
            assertNotSame(viaName, viaClass);
            // the typed serde's own serializer produces the very same bytes (same subject, same id)
            assertArrayEquals(bytes, typed.serializer().serialize(topic, record));
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<SpecificRecord> typeOf(final SpecificRecord record) {
        return (Class<SpecificRecord>) record.getClass();
    }

    @Test
    void bytesAreConfluentWireFormatWithTheRegisteredId() {
        try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
            serde.configure(configs, false);
            final byte[] bytes = serde.serializer().serialize("tether.exec", SampleRecords.exec());
            final RegisteredSchema registered = MockSchemaRegistryClient.forScope(scope).latest("tether.exec-value");
            assertEquals(0, bytes[0]);
            assertEquals(registered.id(), ByteBuffer.wrap(bytes, 1, 4).getInt());
            assertEquals(ExecEvent.getClassSchema(), registered.schema());
        }
    }

    @Test
    void keySerdeRegistersUnderKeySubject() {
        try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
            serde.configure(configs, true);
            serde.serializer().serialize("tether.exec", SampleRecords.exec());
            final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
            assertEquals(1, registry.versions("tether.exec-key").size());
            assertTrue(registry.versions("tether.exec-value").isEmpty());
        }
    }

    @Test
    void nullIsATombstoneBothWays() {
        try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
            serde.configure(configs, false);
            assertNull(serde.serializer().serialize("tether.exec", null));
            assertNull(serde.deserializer().deserialize("tether.exec", null));
            assertNull(serde.deserializer().deserialize("tether.exec", new RecordHeaders(), (ByteBuffer) null));
        }
    }

    @Test
    void readsFromAByteBufferSliceOfALargerArray() {
        try (AvroSerde<OpenEvent> serde = new AvroSerde<>(OpenEvent.class)) {
            serde.configure(configs, false);
            final byte[] bytes = serde.serializer().serialize("tether.open", SampleRecords.open());
            // like a consumer's fetch buffer: the value sits between other bytes
            final byte[] batch = new byte[bytes.length + 20];
            System.arraycopy(bytes, 0, batch, 7, bytes.length);
            final ByteBuffer view = ByteBuffer.wrap(batch, 7, bytes.length).slice();
            assertEquals(SampleRecords.open(), serde.deserializer().deserialize("tether.open", new RecordHeaders(), view));
            final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            assertEquals(SampleRecords.open(), serde.deserializer().deserialize("tether.open", new RecordHeaders(), direct));
        }
    }

    @Test
    void registersASchemaOncePerSubject() {
        final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
        try (AvroSerde<ExecEvent> one = new AvroSerde<>(ExecEvent.class); AvroSerde<ExecEvent> two = new AvroSerde<>(ExecEvent.class)) {
            one.configure(configs, false);
            two.configure(configs, false);
            for (int i = 0; i < 100; i++) {
                one.serializer().serialize("tether.exec", SampleRecords.exec());
                two.serializer().serialize("tether.exec", SampleRecords.exec());
                one.serializer().serialize("other.exec", SampleRecords.exec());
            }
            assertEquals(1, registry.versions("tether.exec-value").size());
            // the same schema under another subject gets the same global id, as in Confluent's registry
            assertEquals(registry.latest("tether.exec-value").id(), registry.latest("other.exec-value").id());
        }
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsAClearError() {
        final Map<String, Object> noAuto = new HashMap<>(configs);
        noAuto.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
            serde.configure(noAuto, false);
            final SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.serializer().serialize("tether.exec", SampleRecords.exec()));
            assertTrue(e.getMessage().contains("not registered under subject 'tether.exec-value'"), e.getMessage());
            assertTrue(e.getMessage().contains("auto.register.schemas is false"), e.getMessage());

            final int id = MockSchemaRegistryClient.forScope(scope).register("tether.exec-value", ExecEvent.getClassSchema());
            final byte[] bytes = serde.serializer().serialize("tether.exec", SampleRecords.exec());
            assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
            assertEquals(1, MockSchemaRegistryClient.forScope(scope).versions("tether.exec-value").size());
        }
    }

    @Test
    void useLatestVersionTakesTheLatestIdOnlyWhenItIsTheRecordsSchema() {
        final Map<String, Object> latest = new HashMap<>(configs);
        latest.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        latest.put(AvroSerdeConfig.USE_LATEST_VERSION, "true");
        final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
        try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
            serde.configure(latest, false);
            final int id = registry.register("tether.exec-value", ExecEvent.getClassSchema());
            assertEquals(id, ByteBuffer.wrap(serde.serializer().serialize("tether.exec", SampleRecords.exec()), 1, 4).getInt());

            registry.register("tether.open-value", OpenEvent.getClassSchema());
            final AvroSerializer<ExecEvent> other = new AvroSerializer<>();
            other.configure(latest, false);
            final SerializationException e = assertThrows(SerializationException.class,
                    () -> other.serialize("tether.open", SampleRecords.exec()));
            assertTrue(e.getMessage().contains("is not the schema of io.tether.schemas.event.ExecEvent"), e.getMessage());
        }
    }

    @Test
    void missingOrBadRegistryUrlIsAClearConfigError() {
        final AvroSerializer<ExecEvent> serializer = new AvroSerializer<>();
        final ConfigException missing = assertThrows(ConfigException.class, () -> serializer.configure(Map.of(), false));
        assertTrue(missing.getMessage().contains("schema.registry.url"), missing.getMessage());
        final ConfigException bad = assertThrows(ConfigException.class,
                () -> serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "localhost:8081"), false));
        assertTrue(bad.getMessage().contains("expected http://host:port"), bad.getMessage());
        final IllegalStateException unconfigured = assertThrows(IllegalStateException.class,
                () -> new AvroSerializer<ExecEvent>().serialize("tether.exec", SampleRecords.exec()));
        assertTrue(unconfigured.getMessage().contains("not configured"), unconfigured.getMessage());
    }

    @Test
    void aRecordMissingARequiredFieldFailsNamingTypeAndTopic() {
        final ExecEvent broken = SampleRecords.exec();
        broken.setExecutable(null);
        try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
            serde.configure(configs, false);
            final SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.serializer().serialize("tether.exec", broken));
            assertTrue(e.getMessage().contains("ExecEvent") && e.getMessage().contains("tether.exec"), e.getMessage());
            // the per-thread buffer is not left dirty: the next record is intact
            assertEquals(SampleRecords.exec(), serde.deserializer().deserialize("tether.exec",
                    serde.serializer().serialize("tether.exec", SampleRecords.exec())));
        }
    }

    @Test
    void oneSerdeIsSafeToShareBetweenThreads() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try (AvroSerde<OpenEvent> serde = new AvroSerde<>(OpenEvent.class)) {
            serde.configure(configs, false);
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2_000; i++) {
                        final OpenEvent event = SampleRecords.open();
                        event.setPath("/data/" + thread + "/" + i);
                        final OpenEvent back = serde.deserializer().deserialize("tether.open",
                                serde.serializer().serialize("tether.open", event));
                        ok += event.equals(back) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            for (final Future<Integer> result : results) {
                assertEquals(2_000, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
