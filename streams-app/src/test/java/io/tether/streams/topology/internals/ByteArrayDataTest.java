package io.tether.streams.topology.internals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The internal serdes' array-backed input and output must keep the exact format of {@link DataOutputStream} and
 * {@link DataInputStream}: stores and changelogs written by earlier releases hold it.
 */
class ByteArrayDataTest {

    private static final List<String> STRINGS = List.of("", "/usr/bin/python3 /srv/app/server.py@web-1",
        "/données/çà", "naïve \u0000 nul", "日本語のパス", "emoji \uD83D\uDE80 pair", "lone \uD800 surrogate",
        "x".repeat(65535));

    private interface Writes {
        void to(DataOutput out) throws IOException;
    }

    private static final Writes EVERYTHING = out -> {
        out.writeByte(1);
        out.writeBoolean(true);
        out.writeBoolean(false);
        out.writeInt(-123456789);
        out.writeInt(Integer.MAX_VALUE);
        out.writeLong(Long.MIN_VALUE + 42);
        out.writeShort(-2);
        out.writeDouble(Math.PI);
        for (final String s : STRINGS) {
            out.writeUTF(s);
        }
    };

    @Test
    void writesTheBytesDataOutputStreamWrites() throws IOException {
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        EVERYTHING.to(new DataOutputStream(expected));
        final ByteArrayDataOutput actual = new ByteArrayDataOutput();
        EVERYTHING.to(actual);
        assertArrayEquals(expected.toByteArray(), actual.toByteArray());

        actual.reset();
        actual.writeInt(7);
        assertArrayEquals(new byte[] {0, 0, 0, 7}, actual.toByteArray(), "reset starts a new record");
    }

    @Test
    void readsWhatDataOutputStreamWrote() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EVERYTHING.to(new DataOutputStream(bytes));
        final ByteArrayDataInput in = new ByteArrayDataInput(bytes.toByteArray());
        final DataInputStream reference = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(reference.readByte(), in.readByte());
        assertEquals(reference.readBoolean(), in.readBoolean());
        assertEquals(reference.readBoolean(), in.readBoolean());
        assertEquals(reference.readInt(), in.readInt());
        assertEquals(reference.readInt(), in.readInt());
        assertEquals(reference.readLong(), in.readLong());
        assertEquals(reference.readShort(), in.readShort());
        assertEquals(reference.readDouble(), in.readDouble());
        for (final String s : STRINGS) {
            assertEquals(reference.readUTF(), in.readUTF());
        }
        assertThrows(EOFException.class, in::readByte);
    }

    @Test
    void aValueEncodedInsideAnotherKeepsBoth() {
        // a record that carries an encoded graph event (as the pending store's events do): two codecs on one
        // thread at once, the inner one encoding while the outer one holds the thread's buffer
        final GraphEvent inner = GraphEvent.SERDE.decode(GraphEvent.SERDE.encode(
            GraphEvent.exit("h1", "/usr/bin/a", 7, 1, 1_000L)));
        final BinaryCodec<Map.Entry<Long, GraphEvent>> outer = new BinaryCodec<>("test nesting",
            (out, v) -> {
                out.writeLong(v.getKey());
                final byte[] bytes = GraphEvent.SERDE.encode(v.getValue());
                out.writeInt(bytes.length);
                out.write(bytes);
            },
            in -> {
                final long first = in.readLong();
                final byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return Map.entry(first, GraphEvent.SERDE.decode(bytes));
            });
        final Map.Entry<Long, GraphEvent> value = Map.entry(42L, inner);
        assertEquals(value, outer.decode(outer.encode(value)));
    }

    @Test
    void refusesWhatTheStreamsRefuse() {
        assertThrows(UTFDataFormatException.class, () -> new ByteArrayDataOutput().writeUTF("é".repeat(40_000)));
        assertThrows(EOFException.class, () -> new ByteArrayDataInput(new byte[] {0, 5, 'a', 'b'}).readUTF());
        assertThrows(EOFException.class, () -> new ByteArrayDataInput(new byte[] {1, 2}).readInt());
    }
}
