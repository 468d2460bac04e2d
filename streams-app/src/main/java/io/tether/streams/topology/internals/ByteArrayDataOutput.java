package io.tether.streams.topology.internals;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/**
 * A {@link DataOutput} into a growable array, writing exactly the bytes {@link java.io.DataOutputStream} writes, so
 * that values written by earlier releases through a {@code DataOutputStream} read the same. It exists because the
 * stream-over-stream version synchronises on every byte and reallocates from a small array for every record, which
 * showed in the stream threads' profile (the internal serdes run for every record and every store write). One
 * instance per thread, claimed per record (a nested encode gets its own).
 */
final class ByteArrayDataOutput implements DataOutput {
    private byte[] buf = new byte[256];
    private int count;

    private boolean claimed;

    /** Takes the buffer for one record, empty; false if it already holds one (a nested encode). */
    boolean claim() {
        if (claimed) {
            return false;
        }
        claimed = true;
        count = 0;
        return true;
    }

    /** Gives the buffer back after {@link #claim()}. */
    void release() {
        claimed = false;
    }

    void reset() {
        count = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    private void ensure(final int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }

    @Override
    public void write(final int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(final byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(final byte[] b, final int off, final int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public void writeBoolean(final boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(final int v) {
        write(v);
    }

    @Override
    public void writeShort(final int v) {
        ensure(2);
        buf[count++] = (byte) (v >>> 8);
        buf[count++] = (byte) v;
    }

    @Override
    public void writeChar(final int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(final int v) {
        ensure(4);
        buf[count++] = (byte) (v >>> 24);
        buf[count++] = (byte) (v >>> 16);
        buf[count++] = (byte) (v >>> 8);
        buf[count++] = (byte) v;
    }

    @Override
    public void writeLong(final long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    @Override
    public void writeFloat(final float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(final double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(final String s) {
        final int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[count++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(final String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 behind a two-byte length, as {@link java.io.DataOutputStream#writeUTF} writes it. */
    @Override
    public void writeUTF(final String s) throws UTFDataFormatException {
        final int chars = s.length();
        long bytes = chars;
        for (int i = 0; i < chars; i++) {
            final char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                bytes += c >= 0x800 ? 2 : 1;
            }
        }
        if (bytes > 65535) {
            throw new UTFDataFormatException("encoded string too long: " + bytes + " bytes");
        }
        ensure(2 + (int) bytes);
        buf[count++] = (byte) (bytes >>> 8);
        buf[count++] = (byte) bytes;
        for (int i = 0; i < chars; i++) {
            final char c = s.charAt(i);
            if (c < 0x80 && c != 0) {
                buf[count++] = (byte) c;
            } else if (c < 0x800) {
                buf[count++] = (byte) (0xC0 | (c >> 6));
                buf[count++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[count++] = (byte) (0xE0 | (c >> 12));
                buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[count++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
