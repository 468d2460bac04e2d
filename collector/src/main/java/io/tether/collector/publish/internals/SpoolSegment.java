package io.tether.collector.publish.internals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One append-only spool file holding records {@code firstIndex … firstIndex+count-1}, with a bit per record that
 * the producer's callbacks set once Kafka acknowledged it. A sealed segment whose records are all acknowledged is
 * deleted.
 */
public final class SpoolSegment {
    public final long firstIndex;
    final Path file;
    private final AtomicLongArray acked;
    private final AtomicInteger ackedCount = new AtomicInteger();
    /** Records appended (only the sender thread writes it; readers on that thread too). */
    int count;
    /** Bytes in the file including buffered-but-unwritten ones (sender thread only). */
    long bytes;
    boolean sealed;

    SpoolSegment(final long firstIndex, final Path file, final int capacity) {
        this.firstIndex = firstIndex;
        this.file = file;
        this.acked = new AtomicLongArray((capacity + 63) / 64);
    }

    /** Called from producer I/O threads when Kafka acknowledged record {@code local}. */
    public void ack(final int local) {
        final int word = local >>> 6;
        final long bit = 1L << (local & 63);
        while (true) {
            final long old = acked.get(word);
            if ((old & bit) != 0) {
                return;
            }
            if (acked.compareAndSet(word, old, old | bit)) {
                ackedCount.incrementAndGet();
                return;
            }
        }
    }

    boolean isAcked(final int local) {
        return (acked.get(local >>> 6) & 1L << (local & 63)) != 0;
    }

    boolean complete() {
        return sealed && ackedCount.get() >= count;
    }

    boolean fullyAcked() {
        return ackedCount.get() >= count;
    }

    /** The first record not yet acknowledged, as a local index, or {@code count} when all are. */
    int firstUnacked() {
        for (int i = 0; i < count; i++) {
            if (!isAcked(i)) {
                return i;
            }
        }
        return count;
    }
}
