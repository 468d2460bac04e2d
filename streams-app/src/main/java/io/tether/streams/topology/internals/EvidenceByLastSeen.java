package io.tether.streams.topology.internals;

import io.tether.streams.topology.internals.GraphNodes.Evidence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The graph's evidence by the time it was last seen, so that expiry retires the oldest first.
 *
 * <p>Most evidence is seen again long before it could expire, and a sorted set of all of it made every such refresh
 * two ordered-tree updates, O(log n) with a cache miss per level: the one cost that grew with the graph. So only the
 * evidence near the expiry cutoff is kept sorted; the rest sits in coarse time buckets (a sixteenth of the window
 * each), where a refresh within the same bucket costs nothing and a move to a later bucket one append. The entry
 * left behind in the earlier bucket is recognised as stale when that bucket reaches the cutoff. Each evidence
 * therefore has at most one entry per bucket of the window, and expiry retires in exactly the order of the sorted
 * set it replaces: last seen, then key.
 *
 * <p>Last-seen times only grow, so an evidence's bucket only grows. Not thread-safe: one per graph.
 */
final class EvidenceByLastSeen {
    private static final int BUCKETS_PER_WINDOW = 16;
    private static final long NO_BUCKET = Long.MIN_VALUE;
    private static final Comparator<Evidence> BY_LAST_SEEN =
        Comparator.<Evidence>comparingLong(e -> e.lastSeenMicros).thenComparing(e -> e.key);

    private final long bucketMicros;
    /** Evidence whose bucket is below {@link #sortedBelow}: it may be older than the next cutoff. */
    private final TreeSet<Evidence> sorted = new TreeSet<>(BY_LAST_SEEN);
    private final TreeMap<Long, List<Evidence>> buckets = new TreeMap<>();
    private long sortedBelow = NO_BUCKET;

    EvidenceByLastSeen(final long windowMicros) {
        this.bucketMicros = Math.max(1, windowMicros / BUCKETS_PER_WINDOW);
    }

    /** Takes new evidence, its last-seen time set. */
    void add(final Evidence ev) {
        ev.expiryBucket = NO_BUCKET;
        ev.expirySorted = false;
        place(ev);
    }

    /** Call before an evidence's last-seen time changes; {@link #seenAgain} after. */
    void beforeSeenAgain(final Evidence ev) {
        if (ev.expirySorted) {
            sorted.remove(ev);
            ev.expirySorted = false;
        }
    }

    /** Call after an evidence's last-seen time changed. */
    void seenAgain(final Evidence ev) {
        place(ev);
    }

    private void place(final Evidence ev) {
        final long bucket = Math.floorDiv(ev.lastSeenMicros, bucketMicros);
        if (bucket < sortedBelow) {
            sorted.add(ev);
            ev.expirySorted = true;
        } else if (bucket != ev.expiryBucket) {
            ev.expiryBucket = bucket;
            buckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add(ev);
        }
    }

    /** Removes and returns the evidence seen longest ago if that was before {@code cutoffMicros}, else null. */
    Evidence pollSeenBefore(final long cutoffMicros) {
        sortBucketsReaching(cutoffMicros);
        if (sorted.isEmpty() || sorted.first().lastSeenMicros >= cutoffMicros) {
            return null;
        }
        final Evidence ev = sorted.pollFirst();
        ev.expirySorted = false;
        return ev;
    }

    /** Moves the buckets that may hold evidence seen before the cutoff into the sorted set. */
    private void sortBucketsReaching(final long cutoffMicros) {
        final long below = Math.floorDiv(cutoffMicros, bucketMicros) + 1;
        if (below <= sortedBelow) {
            return;
        }
        sortedBelow = below;
        while (!buckets.isEmpty() && buckets.firstKey() < below) {
            final Map.Entry<Long, List<Evidence>> bucket = buckets.pollFirstEntry();
            for (final Evidence ev : bucket.getValue()) {
                // an entry left behind by evidence seen again in a later bucket is stale
                if (ev.expiryBucket == bucket.getKey() && !ev.expirySorted) {
                    sorted.add(ev);
                    ev.expirySorted = true;
                }
            }
        }
    }
}
