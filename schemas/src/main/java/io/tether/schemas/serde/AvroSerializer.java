package io.tether.schemas.serde;

import io.tether.schemas.serde.internals.EncodeBuffer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro specific records in the Confluent wire format: magic byte 0, the 4-byte big-endian id of the
 * record's schema in the registry, then the Avro binary encoding. The schema goes under the subject
 * {@code <topic>-value} ({@code <topic>-key} when configured as a key serializer); it is registered on first use
 * when {@code auto.register.schemas} is true (the default), else looked up (or, with {@code use.latest.version},
 * taken from the subject's latest version, which must be the record's own schema).
 *
 * <p>Thread-safe. After the first record of a topic no registry call is made: the id is kept per topic and the
 * bytes are encoded into a per-thread reusable buffer. A null record serializes to null (a tombstone).
 *
 * @param <T> the generated record class; the no-arg constructor accepts any specific record
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final SpecificData data;
    /** The client given to the constructor (not ours to close), or null. */
    private final SchemaRegistryClient givenClient;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    /** Per topic the schema last written there and its id; a serializer usually writes one schema. */
    private final Map<String, Target> targets = new ConcurrentHashMap<>();

    /** For producer configs ({@code value.serializer}); configure via {@link #configure}. */
    public AvroSerializer() {
        this(null, null);
    }

    /** With an existing registry client (shared, not closed by this serializer); {@link #configure} is optional. */
    public AvroSerializer(final SchemaRegistryClient client) {
        this(client, null);
    }

    AvroSerializer(final SchemaRegistryClient client, final ClassLoader loader) {
        this.givenClient = client;
        this.client = client;
        this.data = new SpecificData(loader != null ? loader : AvroSerializer.class.getClassLoader());
        // generated classes carry hand-unrolled encoders, several times faster than the reflective path
        this.data.setCustomCoders(true);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs);
        configure(config, isKey, givenClient == null ? SchemaRegistryClients.create(config) : givenClient,
                givenClient == null);
    }

    void configure(final AvroSerdeConfig config, final boolean isKey, final SchemaRegistryClient client,
                   final boolean ownsClient) {
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        releaseClient();
        this.client = client;
        this.ownsClient = ownsClient;
        targets.clear();
    }

    @Override
    public byte[] serialize(final String topic, final T record) {
        if (record == null) {
            return null;
        }
        final Schema schema = record.getSchema();
        Target target = targets.get(topic);
        if (target == null || target.schema != schema) {
            target = resolve(topic, schema);
        }
        final EncodeBuffer buffer = EncodeBuffer.forCurrentThread();
        try {
            final BinaryEncoder encoder = buffer.start(target.id);
            target.writer.write(record, encoder);
            return buffer.finish();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic '" + topic
                    + "': " + e, e);
        }
    }

    private Target resolve(final String topic, final Schema schema) {
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient");
        }
        final String subject = Subjects.forTopic(topic, isKey);
        final int id;
        if (autoRegister) {
            id = client.register(subject, schema);
        } else if (useLatestVersion) {
            final RegisteredSchema latest = client.latest(subject);
            if (!latest.schema().equals(schema)) {
                throw new SerializationException("Latest version " + latest.version() + " of subject '" + subject
                        + "' (id " + latest.id() + ") is not the schema of " + schema.getFullName()
                        + " this producer writes; register it or turn " + AvroSerdeConfig.USE_LATEST_VERSION + " off");
            }
            id = latest.id();
        } else {
            try {
                id = client.lookupId(subject, schema);
            } catch (final SchemaRegistryException e) {
                if (e.isNotFound()) {
                    throw new SerializationException("Schema of " + schema.getFullName() + " is not registered under subject '"
                            + subject + "' and " + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false: " + e.getMessage(), e);
                }
                throw e;
            }
        }
        final Target target = new Target(schema, id, new SpecificDatumWriter<>(schema, data));
        targets.put(topic, target);
        return target;
    }

    @Override
    public void close() {
        releaseClient();
    }

    private void releaseClient() {
        if (ownsClient && client != null) {
            client.close();
            client = null;
            ownsClient = false;
        }
    }

    /** What a topic's records are written with: the schema (compared by identity), its id, its writer. */
    private static final class Target {
        final Schema schema;
        final int id;
        final SpecificDatumWriter<Object> writer;

        Target(final Schema schema, final int id, final SpecificDatumWriter<Object> writer) {
            this.schema = schema;
            this.id = id;
            this.writer = writer;
        }
    }
}
