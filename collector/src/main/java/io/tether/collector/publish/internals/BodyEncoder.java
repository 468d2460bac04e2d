package io.tether.collector.publish.internals;

import io.tether.schemas.topic.EventType;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Encodes an event as its plain Avro binary body into one reused buffer (no allocation per event). The spool
 * stores this body; the Confluent framing (magic byte and schema id) is added when the record is handed to Kafka,
 * because the schema id needs the registry, which may be down while we spool.
 */
public final class BodyEncoder {
    private final Map<EventType, SpecificDatumWriter<SpecificRecord>> writers = new EnumMap<>(EventType.class);
    private final Buffer buffer = new Buffer();
    private BinaryEncoder encoder;

    public BodyEncoder() {
        for (final EventType type : EventType.values()) {
            writers.put(type, new SpecificDatumWriter<>(SpecificData.get().getSchema(type.recordClass())));
        }
    }

    /** Encodes {@code record}; the bytes are valid until the next call. */
    public void encode(final EventType type, final SpecificRecord record) throws IOException {
        buffer.count = 0;
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        writers.get(type).write(record, encoder);
        encoder.flush();
    }

    public byte[] bytes() {
        return buffer.bytes;
    }

    public int length() {
        return buffer.count;
    }

    /** A growable byte sink that hands out its array instead of copying it. */
    private static final class Buffer extends OutputStream {
        byte[] bytes = new byte[512];
        int count;

        @Override
        public void write(final int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        private void ensure(final int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }
    }
}
