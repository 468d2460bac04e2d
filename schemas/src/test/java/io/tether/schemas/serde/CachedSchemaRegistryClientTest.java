package io.tether.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CachedSchemaRegistryClientTest {

    /** Counts the calls that reach the registry behind the cache. */
    private static final class CountingClient implements SchemaRegistryClient {
        final SchemaRegistryClient registry = new MockSchemaRegistryClient();
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        private void count(final String method) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        int calls(final String method) {
            return calls.getOrDefault(method, new AtomicInteger()).get();
        }

        @Override
        public int register(final String subject, final Schema schema) {
            count("register");
            return registry.register(subject, schema);
        }

        @Override
        public int lookupId(final String subject, final Schema schema) {
            count("lookupId");
            return registry.lookupId(subject, schema);
        }

        @Override
        public Schema getById(final int id) {
            count("getById");
            return registry.getById(id);
        }

        @Override
        public RegisteredSchema latest(final String subject) {
            count("latest");
            return registry.latest(subject);
        }
    }

    @Test
    void aSchemaIsRegisteredOncePerSubjectAndIdsResolveWithoutCalls() {
        final CountingClient registry = new CountingClient();
        final CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(registry);
        final int id = cached.register("tether.exec-value", ExecEvent.getClassSchema());
        for (int i = 0; i < 10; i++) {
            assertEquals(id, cached.register("tether.exec-value", ExecEvent.getClassSchema()));
            // a registered schema's id is also known to lookups, and the schema to getById
            assertEquals(id, cached.lookupId("tether.exec-value", ExecEvent.getClassSchema()));
            assertEquals(ExecEvent.getClassSchema(), cached.getById(id));
        }
        assertEquals(1, registry.calls("register"));
        assertEquals(0, registry.calls("lookupId"));
        assertEquals(0, registry.calls("getById"));

        // another subject is another registration, with the same global id
        assertEquals(id, cached.register("copy.exec-value", ExecEvent.getClassSchema()));
        assertEquals(2, registry.calls("register"));
    }

    @Test
    void aDeserializerFetchesEachWriterSchemaOnce() {
        final CountingClient registry = new CountingClient();
        try (AvroSerializer<OpenEvent> producer = new AvroSerializer<>(registry.registry);
             AvroDeserializer<OpenEvent> consumer = new AvroDeserializer<>(OpenEvent.class,
                     new CachedSchemaRegistryClient(registry))) {
            for (int i = 0; i < 50; i++) {
                final byte[] bytes = producer.serialize("tether.open", SampleRecords.open());
                assertEquals(SampleRecords.open(), consumer.deserialize("tether.open", bytes));
            }
        }
        assertEquals(1, registry.calls("getById"));
    }

    @Test
    void failuresAreNotCached() {
        final CountingClient registry = new CountingClient();
        final CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(registry);
        final SchemaRegistryException notFound = assertThrows(SchemaRegistryException.class, () -> cached.getById(42));
        assertTrue(notFound.isNotFound());
        assertThrows(SchemaRegistryException.class,
                () -> cached.lookupId("tether.exec-value", ExecEvent.getClassSchema()));
        final int id = registry.registry.register("tether.exec-value", ExecEvent.getClassSchema());
        assertEquals(id, cached.lookupId("tether.exec-value", ExecEvent.getClassSchema()));
        assertEquals(ExecEvent.getClassSchema(), cached.getById(id));
        assertEquals(2, registry.calls("lookupId"));
    }

    @Test
    void latestIsAlwaysAskedForSinceItChanges() {
        final CountingClient registry = new CountingClient();
        final CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(registry);
        cached.register("s", ExecEvent.getClassSchema());
        assertEquals(1, cached.latest("s").version());
        assertEquals(1, cached.latest("s").version());
        assertEquals(2, registry.calls("latest"));
    }
}
