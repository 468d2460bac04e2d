package io.tether.collector.publish.internals;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.topic.EventType;
import io.tether.schemas.event.OpenEvent;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Folds repeated identical opens (same process instance, path, access mode and outcome) seen within a short window
 * into the first of them, with {@code count} = how many it stands for, so a program that opens one file in a loop
 * does not flood Kafka. An open is held back for at most the window. Any other event of the same process releases
 * that process's held opens first, so a process's opens never appear after its later exec/exit/connect/accept;
 * among themselves, opens of different files of one process may be released in a different order (each keeps the
 * time of its first occurrence). Single-threaded: the sender thread drives it.
 */
public final class OpenCoalescer {
    private final long windowNanos;
    private final Map<Key, Held> held = new HashMap<>();
    private final Map<Integer, List<Held>> heldByPid = new HashMap<>();
    private final ArrayDeque<Held> byAge = new ArrayDeque<>();
    private long coalesced;

    public OpenCoalescer(final long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Events folded into an earlier one so far. */
    public long coalesced() {
        return coalesced;
    }

    public int held() {
        return held.size();
    }

    /** Takes an event; passes to {@code out} whatever is ready to publish now. */
    public void offer(final EventType type, final SpecificRecord event, final long nowNanos, final Consumer<SpecificRecord> out) {
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
        final Key key = new Key(header.getHostId(), header.getPid(), header.getStartTime(), open.getPath(),
                open.getMode().ordinal(), open.getSucceeded());
        final Held existing = held.get(key);
        if (existing != null) {
            existing.event.setCount(existing.event.getCount() + open.getCount());
            coalesced += open.getCount();
            return;
        }
        final Held h = new Held(key, open, nowNanos + windowNanos);
        held.put(key, h);
        heldByPid.computeIfAbsent(key.pid, p -> new ArrayList<>(4)).add(h);
        byAge.add(h);
    }

    /** Releases the opens whose window has passed. */
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
            release(oldest.key.pid, out);
        }
    }

    /** Releases everything held (shutdown). */
    public void releaseAll(final Consumer<SpecificRecord> out) {
        while (!byAge.isEmpty()) {
            final Held h = byAge.pollFirst();
            if (!h.released) {
                release(h.key.pid, out);
            }
        }
    }

    private void release(final int pid, final Consumer<SpecificRecord> out) {
        final List<Held> ofPid = heldByPid.remove(pid);
        if (ofPid == null) {
            return;
        }
        for (final Held h : ofPid) {
            h.released = true;
            held.remove(h.key);
            out.accept(h.event);
        }
    }

    /**
     * Identity of an open for folding. Its hash is computed once: every held open is hashed on get, put and
     * remove, and on the sender thread (the publish rate's bottleneck) recomputing the record hash over two
     * strings each time showed up as the coalescer's main cost in the profile.
     */
    private static final class Key {
        final String hostId;
        final int pid;
        final long startTime;
        final String path;
        final int mode;
        final boolean succeeded;
        private final int hash;

        Key(final String hostId, final int pid, final long startTime, final String path, final int mode,
            final boolean succeeded) {
            this.hostId = hostId;
            this.pid = pid;
            this.startTime = startTime;
            this.path = Objects.requireNonNull(path);
            this.mode = mode;
            this.succeeded = succeeded;
            this.hash = ((path.hashCode() * 31 + pid) * 31 + Long.hashCode(startTime)) * 31 + mode * 2 + (succeeded ? 1 : 0);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof Key k && hash == k.hash && pid == k.pid && startTime == k.startTime && mode == k.mode
                    && succeeded == k.succeeded && path.equals(k.path) && Objects.equals(hostId, k.hostId);
        }
    }

    private static final class Held {
        final Key key;
        final OpenEvent event;
        final long deadline;
        boolean released;

        Held(final Key key, final OpenEvent event, final long deadline) {
            this.key = key;
            this.event = event;
            this.deadline = deadline;
        }
    }
}
