package io.tether.collector.publish.internals;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment file in order, verifying each record's CRC. Stops at the end of the file, at
 * {@code limit} records, or at the first torn or corrupt record.
 */
final class SpoolReader implements Closeable {
    private final FileChannel channel;
    private final int limit;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private final CRC32C crc = new CRC32C();
    private long position;
    private long bufferStart;
    private int read;
    byte type;
    int pid;
    long timestampMillis;
    byte[] body = new byte[256];
    int bodyLength;
    /** Probe records the record's trailer names (see {@link Spool#append(byte, int, long, byte[], int, int, PositionList)}). */
    final PositionList probeRecords = new PositionList();

    SpoolReader(final SpoolSegment segment, final int limit) throws IOException {
        this.channel = FileChannel.open(segment.file, StandardOpenOption.READ);
        this.limit = limit;
        buffer.limit(0);
    }

    /** Advances to the next record; false at the end. */
    boolean next() throws IOException {
        if (read >= limit) {
            return false;
        }
        if (!ensure(8)) {
            return false;
        }
        final int length = buffer.getInt(buffer.position());
        if (length < Spool.RECORD_HEADER - 8 || length > 64 << 20) {
            return false;
        }
        if (!ensure(8 + length)) {
            return false;
        }
        final int start = buffer.position();
        final int expected = buffer.getInt(start + 4);
        crc.reset();
        crc.update(buffer.array(), start + 8, length);
        if ((int) crc.getValue() != expected) {
            return false;
        }
        buffer.position(start + 8);
        type = buffer.get();
        pid = buffer.getInt();
        timestampMillis = buffer.getLong();
        bodyLength = length - (Spool.RECORD_HEADER - 8);
        probeRecords.clear();
        if ((type & Spool.PROBE_RECORDS_FLAG) != 0) {
            type &= ~Spool.PROBE_RECORDS_FLAG;
            final int end = start + 8 + length;
            final int n = bodyLength >= 4 ? buffer.getInt(end - 4) : -1;
            if (n < 0 || 4L + 8L * n > bodyLength) {
                return false; // a damaged trailer under a valid CRC: treat like a torn record
            }
            bodyLength -= 4 + 8 * n;
            for (int i = 0; i < n; i++) {
                probeRecords.add(buffer.getLong(end - 4 - 8 * (n - i)));
            }
        }
        if (body.length < bodyLength) {
            body = new byte[Math.max(bodyLength, body.length * 2)];
        }
        buffer.get(body, 0, bodyLength);
        buffer.position(start + 8 + length);
        position = bufferStart + buffer.position();
        read++;
        return true;
    }

    /** File position after the last record read. */
    long position() {
        return position;
    }

    private boolean ensure(final int bytes) throws IOException {
        if (buffer.remaining() >= bytes) {
            return true;
        }
        bufferStart += buffer.position();
        if (bytes > buffer.capacity()) {
            // a record larger than the buffer (a huge command line): grow rather than take it for the end of the file
            final ByteBuffer bigger = ByteBuffer.allocate(Integer.highestOneBit(bytes - 1) << 1);
            bigger.put(buffer);
            buffer = bigger;
        } else {
            buffer.compact();
        }
        while (buffer.position() < bytes) {
            if (channel.read(buffer, bufferStart + buffer.position()) < 0) {
                buffer.flip();
                return false;
            }
        }
        buffer.flip();
        return true;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
