package io.tether.streams.topology.internals;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for the topology's internal records (repartition topics and stores). They never leave the application, so
 * a compact hand-written binary form is used instead of the registry: no schema look-ups on the hot path. Each
 * value starts with a format version byte so a later release can still read what an earlier one wrote.
 */
public final class BinaryCodec<T> implements Serde<T> {
    /** Writes one value. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutput out, T value) throws IOException;
    }

    /** Reads one value written by the matching {@link Writer}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    private static final byte VERSION = 1;
    /** One output buffer per thread (the serdes are shared by the stream threads), reused record after record. */
    private static final ThreadLocal<ByteArrayDataOutput> OUTPUT = ThreadLocal.withInitial(ByteArrayDataOutput::new);

    private final String what;
    private final Writer<T> writer;
    private final Reader<T> reader;

    public BinaryCodec(final String what, final Writer<T> writer, final Reader<T> reader) {
        this.what = what;
        this.writer = writer;
        this.reader = reader;
    }

    public byte[] encode(final T value) {
        if (value == null) {
            return null;
        }
        // a writer may encode a nested value with another codec while the thread's buffer holds its own record
        final ByteArrayDataOutput shared = OUTPUT.get();
        final ByteArrayDataOutput out = shared.claim() ? shared : new ByteArrayDataOutput();
        try {
            out.writeByte(VERSION);
            writer.write(out, value);
            return out.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            out.release();
        }
    }

    public T decode(final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            final ByteArrayDataInput in = new ByteArrayDataInput(data);
            final byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown " + what + " format version " + version);
            }
            return reader.read(in);
        } catch (final IOException e) {
            throw new SerializationException("malformed " + what + " record", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> decode(data);
    }

    static void writeNullable(final DataOutput out, final String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullable(final DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
