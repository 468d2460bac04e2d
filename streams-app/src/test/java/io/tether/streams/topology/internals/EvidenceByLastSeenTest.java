package io.tether.streams.topology.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.streams.topology.internals.GraphNodes.Evidence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bucketed expiry index retires exactly what, and in exactly the order that, one sorted set of all evidence
 * would: over a random history with evidence seen again, seen out of order, and new evidence arriving just above the
 * cutoff (below the buckets already sorted).
 */
class EvidenceByLastSeenTest {

    private static final class TestEvidence extends Evidence {
        TestEvidence(final String key) {
            super(key);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void retiresWhatASortedSetWouldInTheSameOrder(final long seed) {
        final long window = 1_000;
        final SplittableRandom random = new SplittableRandom(seed);
        final EvidenceByLastSeen expiry = new EvidenceByLastSeen(window);
        final TreeSet<Evidence> reference = new TreeSet<>(
            Comparator.<Evidence>comparingLong(e -> e.lastSeenMicros).thenComparing(e -> e.key));
        final Map<String, Evidence> live = new HashMap<>();
        long now = 0;
        long cutoff = Long.MIN_VALUE;
        int retired = 0;
        for (int step = 0; step < 20_000; step++) {
            now += random.nextInt(4);
            // late evidence: up to a window behind, but never behind the last cutoff (the graph ignores that)
            final long t = Math.max(cutoff, now - random.nextLong(window));
            final String key = "e" + random.nextInt(500);
            final Evidence known = live.get(key);
            if (known == null) {
                final Evidence ev = new TestEvidence(key);
                ev.lastSeenMicros = t;
                live.put(key, ev);
                expiry.add(ev);
                reference.add(ev);
            } else if (t > known.lastSeenMicros) {
                reference.remove(known);
                expiry.beforeSeenAgain(known);
                known.lastSeenMicros = t;
                expiry.seenAgain(known);
                reference.add(known);
            }
            if (step % 50 == 49) {
                cutoff = now - window + random.nextInt(100);
                final List<Evidence> expected = new ArrayList<>();
                while (!reference.isEmpty() && reference.first().lastSeenMicros < cutoff) {
                    expected.add(reference.pollFirst());
                }
                final List<Evidence> actual = new ArrayList<>();
                for (Evidence ev = expiry.pollSeenBefore(cutoff); ev != null; ev = expiry.pollSeenBefore(cutoff)) {
                    actual.add(ev);
                    live.remove(ev.key);
                }
                assertEquals(keys(expected), keys(actual), "step " + step + ", cutoff " + cutoff);
                retired += actual.size();
            }
        }
        assertNull(expiry.pollSeenBefore(Long.MIN_VALUE + 1));
        // the history must have retired a good share, or the comparison proved little
        assertTrue(retired > 1_000, "retired " + retired);
    }

    private static List<String> keys(final List<Evidence> evidence) {
        return evidence.stream().map(ev -> ev.key + "@" + ev.lastSeenMicros).toList();
    }
}
