package io.tether.streams.topology.internals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * sees all of it. Process, connection and external evidence pass through untouched. The uses are also kept in
 * memory, a mirror of the store rebuilt from it when the task starts; the sweep finds the unsent repeats there.
 */
public final class FileEvidenceCoalescer implements Processor<String, GraphEvent, String, GraphEvent> {
    private static final char SEP = '\u001f';

    private final String storeName;
    private final long refreshMicros;
    private final Duration refresh;
    private final long retentionMillis;
    private ProcessorContext<String, GraphEvent> context;
    private KeyValueStore<String, CoalescedFileUse> uses;
    /**
     * The store's content as objects (rebuilt from it when the task starts, written through on every change): a
     * repeated open is the common case and reads its use here instead of decoding it from the store's cache.
     */
    private final Map<String, CoalescedFileUse> known = new HashMap<>();

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
        known.clear();
        try (KeyValueIterator<String, CoalescedFileUse> it = uses.all()) {
            while (it.hasNext()) {
                final KeyValue<String, CoalescedFileUse> kv = it.next();
                known.put(kv.key, kv.value);
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
        final List<String> retired = new ArrayList<>();
        known.forEach((key, use) -> {
            if (!use.hasUnsent() && use.sentMicros() < horizonMicros) {
                retired.add(key);
            }
        });
        for (final String key : retired) {
            uses.delete(key);
            known.remove(key);
        }
    }

    @Override
    public void process(final Record<String, GraphEvent> record) {
        final GraphEvent e = record.value();
        if (e == null || e.kind() != GraphEvent.Kind.FILE || refreshMicros == 0) {
            context.forward(record);
            return;
        }
        final String key = useKey(e);
        final CoalescedFileUse seen = known.get(key);
        if (seen == null || e.timeMicros() >= seen.sentMicros() + refreshMicros) {
            final GraphEvent out = seen == null || !seen.hasUnsent() ? e : seen.withRepeat(e).unsentEvent(e);
            remember(key, CoalescedFileUse.sent(Math.max(out.timeMicros(), seen == null ? Long.MIN_VALUE
                : seen.sentMicros())));
            context.forward(record.withValue(out).withTimestamp(millis(out.timeMicros())));
        } else {
            remember(key, seen.withRepeat(e));
        }
    }

    private void remember(final String key, final CoalescedFileUse use) {
        known.put(key, use);
        uses.put(key, use);
    }

    private void sendUnsent() {
        // sorted: the same unsent repeats go out in the same order whenever the sweep runs
        final List<String> due = known.entrySet().stream().filter(use -> use.getValue().hasUnsent())
            .map(Map.Entry::getKey).sorted().toList();
        for (final String key : due) {
            final CoalescedFileUse seen = known.get(key);
            final GraphEvent out = seen.unsentEvent(key);
            remember(key, CoalescedFileUse.sent(Math.max(seen.sentMicros(), out.timeMicros())));
            context.forward(new Record<>(processKey(out), out, millis(out.timeMicros())));
        }
    }

    /**
     * The store key of an AP's use of a file in one mode: the numbers first, host and program length-prefixed, the
     * path last, so that {@link CoalescedFileUse#unsentEvent(String)} reads it back whatever characters the names hold.
     */
    static String useKey(final GraphEvent e) {
        return Integer.toString(e.sourceMask()) + SEP + (e.write() ? "w" : "r") + SEP + e.host().length() + SEP + e.host()
            + e.program().length() + SEP + e.program() + e.path();
    }

    private static String processKey(final GraphEvent e) {
        return io.tether.schemas.identity.ProcessKey.of(e.host(), e.pid());
    }

    private static long millis(final long micros) {
        return Math.max(0L, Math.floorDiv(micros, 1000L));
    }

    /**
     * What the coalescer remembers of one AP's use of one file (the key names the AP, the file, the mode and the
     * capture sources): the latest event time passed on to the graph, and the repeats not passed on yet as their
     * number and the latest of them (time and process). Kept to a few numbers: it is rewritten by every repeat.
     */
    public record CoalescedFileUse(long sentMicros, long unsentCount, long unsentMicros, int unsentPid) {
        public static final BinaryCodec<CoalescedFileUse> SERDE = new BinaryCodec<>("coalesced file use",
            (out, u) -> {
                out.writeLong(u.sentMicros);
                out.writeLong(u.unsentCount);
                out.writeLong(u.unsentMicros);
                out.writeInt(u.unsentPid);
            },
            in -> new CoalescedFileUse(in.readLong(), in.readLong(), in.readLong(), in.readInt()));

        static CoalescedFileUse sent(final long sentMicros) {
            return new CoalescedFileUse(sentMicros, 0L, Long.MIN_VALUE, -1);
        }

        boolean hasUnsent() {
            return unsentCount > 0;
        }

        /** With one more repeat: counts summed, the later one's time and process. */
        CoalescedFileUse withRepeat(final GraphEvent e) {
            final boolean later = !hasUnsent() || e.timeMicros() >= unsentMicros;
            return new CoalescedFileUse(sentMicros, unsentCount + e.count(), later ? e.timeMicros() : unsentMicros,
                later ? e.pid() : unsentPid);
        }

        /** The unsent repeats as one piece of evidence, of the use {@code like} describes (its AP, file and mode). */
        GraphEvent unsentEvent(final GraphEvent like) {
            return GraphEvent.file(like.host(), like.program(), unsentPid, like.sourceMask(), unsentMicros,
                like.path(), like.write(), unsentCount);
        }

        /** The unsent repeats as one piece of evidence, of the use its store key ({@link #useKey}) names. */
        GraphEvent unsentEvent(final String key) {
            final int maskEnd = key.indexOf(SEP);
            final int mask = Integer.parseInt(key, 0, maskEnd, 10);
            final boolean write = key.charAt(maskEnd + 1) == 'w';
            final int hostLengthEnd = key.indexOf(SEP, maskEnd + 3);
            final int hostStart = hostLengthEnd + 1;
            final int hostEnd = hostStart + Integer.parseInt(key, maskEnd + 3, hostLengthEnd, 10);
            final int programLengthEnd = key.indexOf(SEP, hostEnd);
            final int programStart = programLengthEnd + 1;
            final int programEnd = programStart + Integer.parseInt(key, hostEnd, programLengthEnd, 10);
            return GraphEvent.file(key.substring(hostStart, hostEnd), key.substring(programStart, programEnd),
                unsentPid, mask, unsentMicros, key.substring(programEnd), write, unsentCount);
        }
    }
}
