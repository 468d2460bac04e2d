package io.tether.collector.publish.internals;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.topic.EventType;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Folds repeated identical opens (same process instance, path, access mode and outcome) so a program that opens one
 * file in a loop does not flood Kafka. The first open of a kind is published at once; identical opens that follow
 * within the window become one more event whose {@code count} says how many it stands for (the time of the first
 * of them), published when the window ends or — so that a process's opens never appear after its later
 * exec/exit/connect/accept — as soon as any other event of the same process arrives. Counts always add up to the
 * opens seen. Single-threaded: the publisher's encoding thread drives it.
 *
 * <p>Only what is needed to recognise a repeat (the identity fields, sharing the event's path string) is kept for
 * the window, not the event: holding every open for the window made each young GC copy hundreds of thousands of
 * live events at high rates, which the benchmark showed as the publisher's largest cost. Kept identities are grouped
 * per pid (a primitive map), so forgetting a process's window drops its group at once.
 */
public final class OpenCoalescer {
    /** Above this many held opens, a process's group gets a hash index (below it, a scan is cheaper). */
    private static final int INDEX_FROM = 8;

    private final long windowNanos;
    private final LongConsumer foldedProbeRecords;
    private final PidMap<Group> byPid = new PidMap<>();
    private final ArrayDeque<Held> byAge = new ArrayDeque<>();
    private int held;
    private long coalesced;
    private long folded;

    public OpenCoalescer(final long windowNanos) {
        this(windowNanos, position -> { });
    }

    /**
     * @param foldedProbeRecords told, just before a repeat-carrying open is passed on, the {@code probeSequence} of
     *                           every probe record folded into it: they are kept when that open is
     */
    public OpenCoalescer(final long windowNanos, final LongConsumer foldedProbeRecords) {
        this.windowNanos = windowNanos;
        this.foldedProbeRecords = foldedProbeRecords;
    }

    /** Counts folded into an earlier open so far (the sum of the folded events' counts). */
    public long coalesced() {
        return coalesced;
    }

    /** Events folded into an earlier open so far (each folded event counts once, whatever its count). */
    public long folded() {
        return folded;
    }

    /** Repeat-carrying opens held back now (to be published at the end of their window). */
    public int held() {
        return held;
    }

    /** Takes an event; passes to {@code out} whatever is ready to publish now. */
    public void offer(final EventType type, final SpecificRecord event, final long nowNanos,
                      final Consumer<SpecificRecord> out) {
        if (windowNanos <= 0) {
            out.accept(event);
            return;
        }
        final EventHeader header = type.header(event);
        if (type != EventType.OPEN) {
            release(header.getPid(), out);
            out.accept(event);
            return;
        }
        final OpenEvent open = (OpenEvent) event;
        final Held candidate = new Held(open, header, nowNanos + windowNanos);
        Group group = byPid.get(candidate.pid);
        if (group == null) {
            group = new Group();
            byPid.put(candidate.pid, group);
        }
        final Held seen = group.find(candidate);
        if (seen == null) {
            // the first of its kind in this window: published now, remembered to recognise repeats
            group.add(candidate);
            byAge.add(candidate);
            out.accept(open);
            return;
        }
        if (seen.repeats == null) {
            // the first repeat carries the count of every further one until the window ends
            seen.repeats = open;
            held++;
            return;
        }
        seen.repeats.setCount(seen.repeats.getCount() + open.getCount());
        seen.fold(header.getProbeSequence());
        coalesced += open.getCount();
        folded++;
    }

    /** Releases the opens whose window has passed (with the other opens their process holds). */
    public void expire(final long nowNanos, final Consumer<SpecificRecord> out) {
        while (!byAge.isEmpty()) {
            final Held oldest = byAge.peekFirst();
            if (oldest.released) {
                byAge.pollFirst();
                continue;
            }
            if (oldest.deadline - nowNanos > 0) {
                return;
            }
            byAge.pollFirst();
            release(oldest.pid, out);
        }
    }

    /** Releases everything held (shutdown). */
    public void releaseAll(final Consumer<SpecificRecord> out) {
        while (!byAge.isEmpty()) {
            final Held h = byAge.pollFirst();
            if (!h.released) {
                release(h.pid, out);
            }
        }
    }

    /** Publishes the repeats {@code pid} holds, in the order they began, and forgets its window. */
    private void release(final int pid, final Consumer<SpecificRecord> out) {
        final Group group = byPid.remove(pid);
        if (group == null) {
            return;
        }
        for (final Held h : group.list) {
            h.released = true;
            if (h.repeats != null) {
                held--;
                if (h.folded != null) {
                    h.folded.forEach(foldedProbeRecords);
                }
                out.accept(h.repeats);
            }
        }
    }

    /** The opens one pid saw in its window, in the order first seen; indexed by identity once there are many. */
    private static final class Group {
        final ArrayList<Held> list = new ArrayList<>(4);
        Map<Held, Held> index;

        Held find(final Held candidate) {
            if (index != null) {
                return index.get(candidate);
            }
            for (int i = 0; i < list.size(); i++) {
                final Held h = list.get(i);
                if (h.equals(candidate)) {
                    return h;
                }
            }
            return null;
        }

        void add(final Held h) {
            list.add(h);
            if (index != null) {
                index.put(h, h);
            } else if (list.size() > INDEX_FROM) {
                // sized for a busy process's window of distinct files, so it rarely grows while in use
                index = new HashMap<>(128);
                for (final Held each : list) {
                    index.put(each, each);
                }
            }
        }
    }

    /**
     * An open seen in the window: its identity for folding (equality covers the identity only) and, once it
     * repeats, the repeat that carries the count. The hash is computed once: every lookup compares it first.
     */
    private static final class Held {
        final String hostId;
        final int pid;
        final long startTime;
        final String path;
        final int mode;
        final boolean succeeded;
        final long deadline;
        final int hash;
        OpenEvent repeats;
        /** probe records folded into {@code repeats} (besides its own), kept only when it is */
        PositionList folded;
        boolean released;

        Held(final OpenEvent event, final EventHeader header, final long deadline) {
            this.hostId = header.getHostId();
            this.pid = header.getPid();
            this.startTime = header.getStartTime();
            this.path = Objects.requireNonNull(event.getPath(), "open event without a path");
            this.mode = event.getMode().ordinal();
            this.succeeded = event.getSucceeded();
            this.deadline = deadline;
            this.hash = ((path.hashCode() * 31 + pid) * 31 + Long.hashCode(startTime)) * 31 + mode * 2
                    + (succeeded ? 1 : 0);
        }

        void fold(final Long probeSequence) {
            if (probeSequence != null) {
                if (folded == null) {
                    folded = new PositionList();
                }
                folded.add(probeSequence);
            }
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Held k && hash == k.hash && pid == k.pid && startTime == k.startTime
                    && mode == k.mode && succeeded == k.succeeded && path.equals(k.path)
                    && Objects.equals(hostId, k.hostId);
        }
    }
}
