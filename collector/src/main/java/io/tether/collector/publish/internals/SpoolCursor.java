package io.tether.collector.publish.internals;

import java.io.Closeable;
import java.io.IOException;

/**
 * Walks the spool's records from a given index onwards, across segments, up to the records appended when each
 * segment was opened. Used to send what Kafka has not acknowledged yet: after an outage, and at start-up for the
 * segments a previous run left.
 */
public final class SpoolCursor implements Closeable {
    private final Spool spool;
    private long index;
    private SpoolSegment segment;
    private SpoolReader reader;
    private int readerLocal;

    SpoolCursor(final Spool spool, final long index) {
        this.spool = spool;
        this.index = index;
    }

    /** Index of the record {@link #next()} returns next. */
    public long index() {
        return index;
    }

    /**
     * Moves to the next record at or after the current index; false when the cursor reached the records appended
     * so far (call {@link Spool#flush()} before continuing a cursor whose segment is still being appended to).
     */
    public boolean next() throws IOException {
        while (index < spool.nextIndex()) {
            if (segment == null || index >= segment.firstIndex + segment.count) {
                closeReader();
                segment = spool.segmentOf(index);
                if (segment == null) {
                    // deleted (fully acknowledged) or refused: skip to the next segment's first record
                    final long next = nextSegmentStart(index);
                    if (next < 0) {
                        index = spool.nextIndex();
                        return false;
                    }
                    index = next;
                    continue;
                }
            }
            final int local = (int) (index - segment.firstIndex);
            if (reader == null || readerLocal > local) {
                closeReader();
                reader = new SpoolReader(segment, Integer.MAX_VALUE);
                readerLocal = 0;
            }
            while (readerLocal <= local) {
                if (!reader.next()) {
                    // the active segment's tail is not flushed yet, or a torn record: stop here for now
                    closeReader();
                    return false;
                }
                readerLocal++;
            }
            return true;
        }
        return false;
    }

    /** Marks the current record handled; the following {@link #next()} moves past it. */
    public void advance() {
        index++;
    }

    private long nextSegmentStart(final long from) {
        long best = -1;
        for (final SpoolSegment s : spoolSegments()) {
            if (s.firstIndex > from && (best < 0 || s.firstIndex < best)) {
                best = s.firstIndex;
            }
        }
        return best;
    }

    private Iterable<SpoolSegment> spoolSegments() {
        return spool.segmentsView();
    }

    public byte type() {
        return reader.type;
    }

    public int pid() {
        return reader.pid;
    }

    public long timestampMillis() {
        return reader.timestampMillis;
    }

    public byte[] body() {
        return reader.body;
    }

    public int bodyLength() {
        return reader.bodyLength;
    }

    /** Whether Kafka already acknowledged the current record (sent before an outage interrupted the replay). */
    public boolean acked() {
        return segment.isAcked((int) (index - segment.firstIndex));
    }

    /** Acknowledgement handle of the current record. */
    public SpoolSegment segment() {
        return segment;
    }

    public int local() {
        return (int) (index - segment.firstIndex);
    }

    private void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeReader();
    }
}
