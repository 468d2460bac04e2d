package io.tether.streams.topology.internals;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps repeated file evidence away from the single coupling-graph task. The graph needs to know that an AP
 * opens a file (and how): the thousandth open of {@code libc.so.6} by the workers of one program changes only a
 * count and a last-seen time. So, per AP, file and mode, evidence is passed on when it is new or when its event
 * time is at least {@code refresh} past what was last passed on; repeats in between are summed (count, latest
 * time) in a changelogged store and follow with the next pass or the periodic sweep (stream time and wall
 * clock, every {@code refresh}). Every open is therefore counted exactly once, and the graph's last-seen times
 * trail by at most {@code refresh} (see {@code TopologyOptions#evidenceRefresh}).
 *
 * <p>Runs in the host task, right after attribution: the evidence of one AP comes from one host, so one task
 * sees all of it. Process, connection and external evidence pass through untouched. The in-memory set of keys
 * with unsent repeats is only an index of the store and is rebuilt from it when the task starts.
 */
public final class FileEvidenceCoalescer implements Processor<String, GraphEvent, String, GraphEvent> {
    private static final char SEP = '\u001f';

    private final String storeName;
    private final long refreshMicros;
    private final Duration refresh;
    private final long retentionMillis;
    private ProcessorContext<String, GraphEvent> context;
    private KeyValueStore<String, CoalescedFileUse> uses;
    private final Set<String> unsent = new HashSet<>();

    /**
     * @param refresh   how long repeats are summed before they follow (zero: every event passes on)
     * @param retention how long (stream time) a use is remembered after it was last passed on: the evidence
     *                  window plus its lateness, after which the graph has retired it anyway
     */
    public FileEvidenceCoalescer(final String storeName, final Duration refresh, final Duration retention) {
        this.storeName = storeName;
        this.refresh = refresh;
        this.refreshMicros = refresh.toNanos() / 1000L;
        this.retentionMillis = retention.toMillis();
    }

    @Override
    public void init(final ProcessorContext<String, GraphEvent> context) {
        this.context = context;
        this.uses = context.getStateStore(storeName);
        unsent.clear();
        try (KeyValueIterator<String, CoalescedFileUse> it = uses.all()) {
            while (it.hasNext()) {
                final KeyValue<String, CoalescedFileUse> kv = it.next();
                if (kv.value.unsent() != null) {
                    unsent.add(kv.key);
                }
            }
        }
        if (!refresh.isZero()) {
            context.schedule(refresh, PunctuationType.STREAM_TIME, t -> sendUnsent());
            context.schedule(refresh, PunctuationType.WALL_CLOCK_TIME, t -> sendUnsent());
            // forgetting is a full scan, so it runs a few dozen times per retention period, not per refresh
            context.schedule(Duration.ofMillis(Math.max(refresh.toMillis(), retentionMillis / 24)),
                PunctuationType.STREAM_TIME, this::forgetRetired);
        }
    }

    /** Drops what was last passed on longer ago than the retention (and has nothing unsent): the store stays bounded. */
    private void forgetRetired(final long streamTimeMillis) {
        final long horizonMicros = (streamTimeMillis - retentionMillis) * 1000L;
        final java.util.List<String> retired = new java.util.ArrayList<>();
        try (KeyValueIterator<String, CoalescedFileUse> it = uses.all()) {
            while (it.hasNext()) {
                final KeyValue<String, CoalescedFileUse> kv = it.next();
                if (kv.value.unsent() == null && kv.value.sentMicros() < horizonMicros) {
                    retired.add(kv.key);
                }
            }
        }
        retired.forEach(uses::delete);
    }

    @Override
    public void process(final Record<String, GraphEvent> record) {
        final GraphEvent e = record.value();
        if (e == null || e.kind() != GraphEvent.Kind.FILE || refreshMicros == 0) {
            context.forward(record);
            return;
        }
        final String key = e.host() + SEP + e.program() + SEP + e.path() + SEP + e.write() + SEP + e.sourceMask();
        final CoalescedFileUse seen = uses.get(key);
        if (seen == null || e.timeMicros() >= seen.sentMicros() + refreshMicros) {
            final GraphEvent out = seen == null || seen.unsent() == null ? e : merge(seen.unsent(), e);
            uses.put(key, new CoalescedFileUse(Math.max(out.timeMicros(), seen == null ? Long.MIN_VALUE
                : seen.sentMicros()), null));
            unsent.remove(key);
            context.forward(record.withValue(out).withTimestamp(millis(out.timeMicros())));
        } else {
            uses.put(key, new CoalescedFileUse(seen.sentMicros(),
                seen.unsent() == null ? e : merge(seen.unsent(), e)));
            unsent.add(key);
        }
    }

    private void sendUnsent() {
        if (unsent.isEmpty()) {
            return;
        }
        // sorted: the same unsent repeats go out in the same order whenever the sweep runs
        for (final String key : unsent.stream().sorted().toList()) {
            final CoalescedFileUse seen = uses.get(key);
            if (seen == null || seen.unsent() == null) {
                continue;
            }
            final GraphEvent out = seen.unsent();
            uses.put(key, new CoalescedFileUse(Math.max(seen.sentMicros(), out.timeMicros()), null));
            context.forward(new Record<>(processKey(out), out, millis(out.timeMicros())));
        }
        unsent.clear();
    }

    /** Two repeats as one: their counts summed, the later one's time (and process). */
    private static GraphEvent merge(final GraphEvent a, final GraphEvent b) {
        final GraphEvent later = b.timeMicros() >= a.timeMicros() ? b : a;
        return new GraphEvent(later.kind(), later.timeMicros(), a.count() + b.count(), later.host(),
            later.program(), later.pid(), later.sourceMask(), later.path(), later.write(), null, null, -1, 0,
            null, null, null, null);
    }

    private static String processKey(final GraphEvent e) {
        return io.tether.schemas.identity.ProcessKey.of(e.host(), e.pid());
    }

    private static long millis(final long micros) {
        return Math.max(0L, Math.floorDiv(micros, 1000L));
    }

    /**
     * What the coalescer remembers of one AP's use of one file: the latest event time passed on to the graph,
     * and the repeats not passed on yet (summed; null if none).
     */
    public record CoalescedFileUse(long sentMicros, GraphEvent unsent) {
        public static final BinaryCodec<CoalescedFileUse> SERDE = new BinaryCodec<>("coalesced file use",
            (out, u) -> {
                out.writeLong(u.sentMicros);
                final byte[] unsent = GraphEvent.SERDE.encode(u.unsent);
                out.writeInt(unsent == null ? -1 : unsent.length);
                if (unsent != null) {
                    out.write(unsent);
                }
            },
            in -> {
                final long sent = in.readLong();
                final int length = in.readInt();
                if (length < 0) {
                    return new CoalescedFileUse(sent, null);
                }
                final byte[] unsent = new byte[length];
                in.readFully(unsent);
                return new CoalescedFileUse(sent, GraphEvent.SERDE.decode(unsent));
            });
    }
}
