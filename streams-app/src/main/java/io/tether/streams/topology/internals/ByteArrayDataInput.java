package io.tether.streams.topology.internals;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link DataInput} over one array, reading what {@link ByteArrayDataOutput} (or a
 * {@link java.io.DataOutputStream}) wrote, without a stream's per-byte synchronisation. Running past the end
 * throws {@link EOFException}, as a stream would.
 */
final class ByteArrayDataInput implements DataInput {
    private final byte[] buf;
    private int pos;

    ByteArrayDataInput(final byte[] buf) {
        this.buf = buf;
    }

    private int need(final int n) throws EOFException {
        if (pos + n > buf.length) {
            throw new EOFException("record ends after " + buf.length + " bytes, " + n + " more expected at " + pos);
        }
        final int at = pos;
        pos += n;
        return at;
    }

    @Override
    public void readFully(final byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(final byte[] b, final int off, final int len) throws IOException {
        System.arraycopy(buf, need(len), b, off, len);
    }

    @Override
    public int skipBytes(final int n) {
        final int skipped = Math.max(0, Math.min(n, buf.length - pos));
        pos += skipped;
        return skipped;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return buf[need(1)] != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return buf[need(1)];
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return buf[need(1)] & 0xFF;
    }

    @Override
    public short readShort() throws IOException {
        final int at = need(2);
        return (short) (((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws IOException {
        return (char) readUnsignedShort();
    }

    @Override
    public int readInt() throws IOException {
        final int at = need(4);
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8)
            | (buf[at + 3] & 0xFF);
    }

    @Override
    public long readLong() throws IOException {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    public String readLine() {
        throw new UnsupportedOperationException("not a text format");
    }

    /** Modified UTF-8 behind a two-byte length; plain ASCII (most paths and names) without a detour. */
    @Override
    public String readUTF() throws IOException {
        final int start = pos;
        final int length = readUnsignedShort();
        final int at = need(length);
        for (int i = at; i < at + length; i++) {
            if (buf[i] <= 0) {
                pos = start; // not plain ASCII (or an encoded NUL): the JDK's decoder reads it from the start
                return DataInputStream.readUTF(this);
            }
        }
        return new String(buf, at, length, StandardCharsets.ISO_8859_1);
    }
}
