package io.tether.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} as one Kafka {@link Serde}, sharing one registry client:
 * {@code new AvroSerde<>(ExecEvent.class)} then {@code configure(Map.of("schema.registry.url", url), false)}.
 *
 * @param <T> the generated record class
 */
public class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SchemaRegistryClient givenClient;
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private SchemaRegistryClient ownedClient;

    /** For {@code default.value.serde}: reads into the generated class named by the writer schema. */
    public AvroSerde() {
        this(null, null);
    }

    public AvroSerde(final Class<T> type) {
        this(type, null);
    }

    /** With an existing registry client (not closed by this serde); {@link #configure} then only sets options. */
    public AvroSerde(final Class<T> type, final SchemaRegistryClient client) {
        this.givenClient = client;
        this.serializer = new AvroSerializer<>(client, type != null ? type.getClassLoader() : null);
        this.deserializer = new AvroDeserializer<>(type, client);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (ownedClient != null) {
            ownedClient.close();
        }
        ownedClient = givenClient == null ? SchemaRegistryClients.create(config) : null;
        final SchemaRegistryClient client = givenClient != null ? givenClient : ownedClient;
        serializer.configure(config, isKey, client, false);
        deserializer.configure(client, false);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        if (ownedClient != null) {
            ownedClient.close();
            ownedClient = null;
        }
    }
}
