package io.tether.schemas.serde;

import io.tether.schemas.serde.WireFormatException.Reason;
import io.tether.schemas.serde.internals.BoundedBinaryDecoder;
import io.tether.schemas.serde.internals.WireFormat;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro records into generated classes. The writer schema is fetched by the id in the
 * record header (once per id), the reader schema is the generated class's: the class given to the constructor, or,
 * with the no-arg constructor, the generated class whose full name is the writer schema's. Avro schema resolution
 * bridges the two, so an old reader reads data written with a newer, BACKWARD-compatible schema (fields it does
 * not know are skipped) and a new reader reads old data (missing fields take their defaults).
 *
 * <p>Bad bytes raise {@link WireFormatException}; a registry that cannot be reached raises
 * {@link SchemaRegistryException} (retry, do not dead-letter). A null value deserializes to null (a tombstone).
 * Thread-safe: readers are cached per writer schema id and the decoder is reused per thread.
 *
 * @param <T> the generated record class
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private static final ThreadLocal<BoundedBinaryDecoder> DECODER = ThreadLocal.withInitial(BoundedBinaryDecoder::new);

    private final Class<T> type;
    private final SpecificData data;
    /** The client given to the constructor (not ours to close), or null. */
    private final SchemaRegistryClient givenClient;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    /** Writer schema id → reader (or the reason none can exist); the reader schema is fixed per id. */
    private final Map<Integer, ReaderOrFailure<T>> readers = new ConcurrentHashMap<>();
    /** The entry used last: a topic is mostly written with one schema id, and this skips boxing it per record. */
    private volatile ReaderOrFailure<T> last;

    /** For consumer configs ({@code value.deserializer}): reads into the generated class named by the writer schema. */
    public AvroDeserializer() {
        this(null, null);
    }

    /** Reads every record into {@code type}, whatever compatible schema it was written with. */
    public AvroDeserializer(final Class<T> type) {
        this(type, null);
    }

    /** With an existing registry client (shared, not closed by this deserializer); {@code type} may be null. */
    public AvroDeserializer(final Class<T> type, final SchemaRegistryClient client) {
        this.type = type;
        this.givenClient = client;
        this.client = client;
        final ClassLoader loader = type != null ? type.getClassLoader() : contextLoader();
        this.data = new SpecificData(loader);
        this.data.setCustomCoders(true);
    }

    private static ClassLoader contextLoader() {
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : AvroDeserializer.class.getClassLoader();
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = new AvroSerdeConfig(configs);
        configure(givenClient == null ? SchemaRegistryClients.create(config) : givenClient, givenClient == null);
    }

    void configure(final SchemaRegistryClient client, final boolean ownsClient) {
        releaseClient();
        this.client = client;
        this.ownsClient = ownsClient;
        readers.clear();
        last = null;
    }

    @Override
    public T deserialize(final String topic, final byte[] bytes) {
        return bytes == null ? null : deserialize(topic, bytes, 0, bytes.length);
    }

    @Override
    public T deserialize(final String topic, final Headers headers, final ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        if (buffer.hasArray()) {
            // the consumer hands out a view of the fetched batch: decode in place instead of copying
            return deserialize(topic, buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
        final byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return deserialize(topic, copy, 0, copy.length);
    }

    private T deserialize(final String topic, final byte[] bytes, final int offset, final int length) {
        if (length > 0 && bytes[offset] != WireFormat.MAGIC_BYTE) {
            throw new WireFormatException(topic, Reason.WRONG_MAGIC_BYTE, -1, "first byte is 0x"
                    + String.format("%02x", bytes[offset] & 0xff) + ", expected 0x00: not Confluent wire format "
                    + "(starts with " + WireFormat.hexPrefix(bytes, offset, length, 8) + ")");
        }
        if (length < WireFormat.HEADER_SIZE) {
            throw new WireFormatException(topic, Reason.TOO_SHORT, -1, length + " bytes, the wire-format header alone is "
                    + WireFormat.HEADER_SIZE + " (magic byte and 4-byte schema id)");
        }
        final int id = WireFormat.readSchemaId(bytes, offset);
        final SpecificDatumReader<T> reader = reader(topic, id);
        final BoundedBinaryDecoder decoder = DECODER.get().reset(bytes, offset + WireFormat.HEADER_SIZE,
                length - WireFormat.HEADER_SIZE);
        final T record;
        final int left;
        try {
            record = reader.read(null, decoder);
            left = decoder.remaining();
        } catch (final EOFException e) {
            throw new WireFormatException(topic, Reason.TRUNCATED, id, "the Avro body (" + (length - WireFormat.HEADER_SIZE)
                    + " bytes) ends before the " + reader.getSchema().getFullName() + " record does: " + e.getMessage(), e);
        } catch (final IOException | RuntimeException e) {
            throw new WireFormatException(topic, Reason.MALFORMED_AVRO, id, "the Avro body is not a "
                    + reader.getSchema().getFullName() + " record: " + e, e);
        } finally {
            decoder.release();
        }
        if (left > 0) {
            throw new WireFormatException(topic, Reason.MALFORMED_AVRO, id, left + " bytes left over after the "
                    + reader.getSchema().getFullName() + " record: not the body the writer schema describes");
        }
        return record;
    }

    private SpecificDatumReader<T> reader(final String topic, final int id) {
        ReaderOrFailure<T> entry = last;
        if (entry == null || entry.id != id) {
            entry = readers.get(id);
            if (entry == null) {
                entry = createReader(topic, id);
                readers.putIfAbsent(id, entry);
            }
            last = entry;
        }
        if (entry.reader == null) {
            throw new WireFormatException(topic, entry.reason, id, entry.detail);
        }
        return entry.reader;
    }

    /** A reader for writer schema {@code id}, or a cached failure; throws (uncached) when the id is unknown. */
    private ReaderOrFailure<T> createReader(final String topic, final int id) {
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient");
        }
        final Schema writer;
        try {
            writer = client.getById(id);
        } catch (final SchemaRegistryException e) {
            if (e.isNotFound()) {
                // not cached: a registry replica that is behind may learn the id later
                throw new WireFormatException(topic, Reason.UNKNOWN_SCHEMA_ID, id,
                        "the schema registry has no schema with this id (" + e.getMessage() + ")", e);
            }
            throw e;
        }
        final Schema readerSchema;
        if (type != null) {
            readerSchema = data.getSchema(type);
        } else {
            final Class<?> generated = writer.getType() == Schema.Type.RECORD ? data.getClass(writer) : null;
            if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
                return ReaderOrFailure.failure(id, Reason.INCOMPATIBLE_SCHEMA, "no generated class "
                        + writer.getFullName() + " on the classpath to read writer schema " + writer.getFullName());
            }
            readerSchema = data.getSchema(generated);
        }
        final SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            return ReaderOrFailure.failure(id, Reason.INCOMPATIBLE_SCHEMA, readerSchema.getFullName()
                    + " cannot read data written with " + writer.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities());
        }
        return ReaderOrFailure.of(id, new SpecificDatumReader<>(writer, readerSchema, data));
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

    private static final class ReaderOrFailure<T> {
        final int id;
        final SpecificDatumReader<T> reader;
        final Reason reason;
        final String detail;

        private ReaderOrFailure(final int id, final SpecificDatumReader<T> reader, final Reason reason, final String detail) {
            this.id = id;
            this.reader = reader;
            this.reason = reason;
            this.detail = detail;
        }

        static <T> ReaderOrFailure<T> of(final int id, final SpecificDatumReader<T> reader) {
            return new ReaderOrFailure<>(id, reader, null, null);
        }

        static <T> ReaderOrFailure<T> failure(final int id, final Reason reason, final String detail) {
            return new ReaderOrFailure<>(id, null, reason, detail);
        }
    }
}
