package io.tether.collector.publish;

import io.tether.schemas.serde.SchemaRegistryClient;
import io.tether.schemas.serde.SchemaRegistryClients;
import io.tether.schemas.serde.Subjects;
import org.apache.avro.Schema;

import java.util.Map;

/**
 * Schema ids from a Confluent-compatible registry: registers each event schema under {@code <topic>-value} (an
 * already registered schema returns its existing id), as the Confluent serializer does with auto-registration.
 */
public final class RegistrySchemaIds implements SchemaIds, AutoCloseable {
    private final SchemaRegistryClient client;

    private RegistrySchemaIds(final SchemaRegistryClient client) {
        this.client = client;
    }

    /** For {@code http://host:port} (or {@code mock://scope} in tests). */
    public static RegistrySchemaIds forUrl(final String url) {
        return new RegistrySchemaIds(SchemaRegistryClients.create(Map.of("schema.registry.url", url)));
    }

    @Override
    public int idFor(final String topic, final Schema schema) {
        return client.register(Subjects.forTopic(topic, false), schema);
    }

    @Override
    public void close() {
        client.close();
    }
}
