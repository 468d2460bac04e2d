package io.tether.schemas.serde.internals;

import io.tether.schemas.serde.ConfluentFraming;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A growable byte array plus the Avro encoder writing into it, reused by every serialization on one thread:
 * the serializer runs on the 200k events/s publish path, where a fresh stream and encoder per record would be
 * most of the garbage. One per thread ({@link #forCurrentThread()}); serializations never nest, so sharing it
 * among all serializers of a thread is safe.
 */
public final class EncodeBuffer extends OutputStream {
    private static final ThreadLocal<EncodeBuffer> PER_THREAD = ThreadLocal.withInitial(EncodeBuffer::new);
    /** Buffers that grew past this are dropped after use instead of being kept for the thread's lifetime. */
    private static final int KEEP_LIMIT = 1 << 20;

    private byte[] buf = new byte[512];
    private int count;
    private BinaryEncoder encoder;

    private EncodeBuffer() {
    }

    public static EncodeBuffer forCurrentThread() {
        return PER_THREAD.get();
    }

    /** Empties the buffer, writes the wire-format header and returns the encoder for the Avro body. */
    public BinaryEncoder start(final int schemaId) {
        // configure first: re-configuring flushes what a failed serialization left in the encoder into this
        // stream, and those bytes must be discarded together with the rest
        encoder = EncoderFactory.get().binaryEncoder(this, encoder);
        count = 0;
        ensure(WireFormat.HEADER_SIZE);
        ConfluentFraming.writeHeader(buf, 0, schemaId);
        count = WireFormat.HEADER_SIZE;
        return encoder;
    }

    /** Flushes the encoder and returns a copy of the bytes written since {@link #start(int)}. */
    public byte[] finish() throws java.io.IOException {
        encoder.flush();
        final byte[] result = Arrays.copyOf(buf, count);
        if (buf.length > KEEP_LIMIT) {
            buf = new byte[512];
        }
        return result;
    }

    @Override
    public void write(final int b) {
        ensure(count + 1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(final byte[] b, final int off, final int len) {
        ensure(count + len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void ensure(final int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
        }
    }
}
