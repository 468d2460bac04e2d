package io.tether.schemas.serde.internals;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one record held in a byte array, where every length the data claims is checked
 * against the bytes that are actually left before anything is allocated.
 *
 * <p>Why not Avro's {@code BinaryDecoder}: it allocates a string, bytes or array of the claimed size first and
 * only then notices the data ends, so a 5-byte garbage record claiming a 1 GiB string costs a 1 GiB allocation
 * (or an OutOfMemoryError) in the consumer. Records come from the network; a bad one must cost nothing but a
 * {@code WireFormatException}. Reading straight from the array also saves the copy through a scratch
 * {@link Utf8} for every string.
 *
 * <p>Arrays and maps: a block count larger than the remaining bytes is rejected, i.e. items of zero encoded
 * size (arrays of {@code null} or of empty records) are limited to the record's size; no Tether schema has those.
 *
 * <p>Truncation (data ends before the schema says) raises {@link EOFException}; impossible encodings raise
 * {@link AvroRuntimeException} or {@link IOException}. Not thread-safe; reuse one per thread with {@link #reset}.
 */
public final class BoundedBinaryDecoder extends Decoder {
    private byte[] buf;
    private int pos;
    private int limit;

    public BoundedBinaryDecoder reset(final byte[] bytes, final int offset, final int length) {
        this.buf = bytes;
        this.pos = offset;
        this.limit = offset + length;
        return this;
    }

    /** Bytes not yet read. */
    public int remaining() {
        return limit - pos;
    }

    /** Drops the reference to the last record's bytes (they may belong to a large fetch buffer). */
    public void release() {
        buf = null;
        pos = 0;
        limit = 0;
    }

    private EOFException eof(final String what, final long needed) {
        return new EOFException(what + " needs " + needed + " bytes, " + (limit - pos) + " left");
    }

    private int take(final String what, final long length) throws IOException {
        if (length < 0) {
            throw new AvroRuntimeException("Malformed data: " + what + " length is negative: " + length);
        }
        if (length > limit - pos) {
            throw eof(what, length);
        }
        final int start = pos;
        pos += (int) length;
        return start;
    }

    @Override
    public void readNull() {
    }

    @Override
    public boolean readBoolean() throws IOException {
        if (pos >= limit) {
            throw eof("boolean", 1);
        }
        return buf[pos++] == 1;
    }

    @Override
    public int readInt() throws IOException {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= limit) {
                throw eof("int", 1);
            }
            final int b = buf[pos++] & 0xff;
            value |= (b & 0x7f) << shift;
            if (b < 0x80) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new IOException("Invalid int encoding: more than 5 varint bytes");
    }

    @Override
    public long readLong() throws IOException {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= limit) {
                throw eof("long", 1);
            }
            final long b = buf[pos++] & 0xff;
            value |= (b & 0x7f) << shift;
            if (b < 0x80) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new IOException("Invalid long encoding: more than 10 varint bytes");
    }

    @Override
    public float readFloat() throws IOException {
        final int at = take("float", 4);
        return Float.intBitsToFloat((buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8 | (buf[at + 2] & 0xff) << 16
                | (buf[at + 3] & 0xff) << 24);
    }

    @Override
    public double readDouble() throws IOException {
        final int at = take("double", 8);
        final long low = (buf[at] & 0xffL) | (buf[at + 1] & 0xffL) << 8 | (buf[at + 2] & 0xffL) << 16
                | (buf[at + 3] & 0xffL) << 24;
        final long high = (buf[at + 4] & 0xffL) | (buf[at + 5] & 0xffL) << 8 | (buf[at + 6] & 0xffL) << 16
                | (buf[at + 7] & 0xffL) << 24;
        return Double.longBitsToDouble(low | high << 32);
    }

    @Override
    public Utf8 readString(final Utf8 old) throws IOException {
        final long length = readLong();
        final int at = take("string", length);
        final Utf8 result = old != null ? old : new Utf8();
        result.setByteLength((int) length);
        System.arraycopy(buf, at, result.getBytes(), 0, (int) length);
        return result;
    }

    @Override
    public String readString() throws IOException {
        final long length = readLong();
        final int at = take("string", length);
        return new String(buf, at, (int) length, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        take("string", readLong());
    }

    @Override
    public ByteBuffer readBytes(final ByteBuffer old) throws IOException {
        final long length = readLong();
        final int at = take("bytes", length);
        final ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate((int) length);
        }
        result.put(buf, at, (int) length).flip();
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        take("bytes", readLong());
    }

    @Override
    public void readFixed(final byte[] bytes, final int start, final int length) throws IOException {
        final int at = take("fixed", length);
        System.arraycopy(buf, at, bytes, start, length);
    }

    @Override
    public void skipFixed(final int length) throws IOException {
        take("fixed", length);
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockCount("array");
    }

    @Override
    public long arrayNext() throws IOException {
        return blockCount("array");
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks("array");
    }

    @Override
    public long readMapStart() throws IOException {
        return blockCount("map");
    }

    @Override
    public long mapNext() throws IOException {
        return blockCount("map");
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks("map");
    }

    /** Item count of the next block; a negative count is followed by the block's size in bytes (unused here). */
    private long blockCount(final String what) throws IOException {
        long count = readLong();
        if (count < 0) {
            count = -count;
            readLong();
        }
        if (count < 0) {
            throw new AvroRuntimeException("Malformed data: " + what + " block count out of range");
        }
        if (count > limit - pos) {
            throw eof(what + " of " + count + " items", count);
        }
        return count;
    }

    /** Skips blocks that carry their byte size; returns the item count of the first block that does not (0 at the end). */
    private long skipBlocks(final String what) throws IOException {
        long count = readLong();
        while (count < 0) {
            take(what + " block", readLong());
            count = readLong();
        }
        if (count > limit - pos) {
            throw eof(what + " of " + count + " items", count);
        }
        return count;
    }
}
