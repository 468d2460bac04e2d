package io.tether.collector.probe.internals;

import io.tether.collector.probe.ProcessStartTime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * The collector's half of the deferred identity protocol ({@code tether_ring.h}, "Deferred identity"): a probe does
 * not read its start time and exe at process start (two /proc lookups, most of what the probe cost a short program),
 * so this class takes them from /proc/&lt;pid&gt; while the process lives and acks them in the ring, and otherwise
 * holds the process's records until the IDENTITY record its probe writes before exiting.
 *
 * <p>Attribution stays exact: /proc/&lt;pid&gt; is taken for the record's process only when it is that process (same
 * parent, started no later than the record); pids are handed out cyclically, so a pid reused within the 10 ms
 * resolution of a start time would need the whole pid space to wrap within it. Records of a process that was killed
 * before anyone learnt its identity cannot be attributed: they are counted as unresolved, never published with a
 * made-up identity. Not thread-safe: used under the channel's read lock (its counters may be read from anywhere).
 */
public final class ProcessIdentities {
    /** Pids whose identity is remembered; beyond this the least recently used are forgotten (processes killed
     *  without an EXIT record would otherwise accumulate). */
    private static final int MAX_KNOWN = 65_536;
    /** Records held for processes of unknown identity; beyond this the oldest process's are dropped and counted. */
    private static final int MAX_HELD = 65_536;
    /**
     * Start times come from btime (read once, whole seconds) plus ticks since boot, record times from
     * CLOCK_REALTIME: the two may disagree by up to a second or so (clock steps, a VM's drift). "Started no later than
     * the record" allows that much; a pid reused within it would also need the same parent to be taken for the
     * same process.
     */
    private static final long CLOCK_SLACK_MICROS = 2_000_000;

    private final RingFile ring;
    private final ProcessStartTime startTime;
    private final Path procRoot;
    private final LongConsumer droppedRecords;
    private final Map<Integer, ProcessIdentity> known = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<Integer, ProcessIdentity> eldest) {
            return size() > MAX_KNOWN;
        }
    };
    /** per pid, in ring order; the map in order of first hold (oldest first) */
    private final Map<Integer, Deque<byte[]>> held = new LinkedHashMap<>();
    /** pid → the write cursor when /proc showed the process gone: once the reader is past it, no IDENTITY can come */
    private final Map<Integer, Long> goneAt = new HashMap<>();
    // written by the reader only; volatile so that counters can be read from any thread without the read lock
    private volatile int heldRecords;
    private volatile long fromCollector;
    private volatile long fromProbe;
    private volatile long unresolved;

    /** Held records of one process, in ring order, and the identity that now attributes them. */
    public record Released(ProcessIdentity identity, List<byte[]> records) {
    }

    public ProcessIdentities(final RingFile ring, final ProcessStartTime startTime, final Path procRoot) {
        this(ring, startTime, procRoot, position -> { });
    }

    /** @param droppedRecords told the ring position of every held record given up as unresolved */
    public ProcessIdentities(final RingFile ring, final ProcessStartTime startTime, final Path procRoot,
                             final LongConsumer droppedRecords) {
        this.ring = ring;
        this.startTime = startTime;
        this.procRoot = procRoot;
        this.droppedRecords = droppedRecords;
    }

    /**
     * The identity for a deferred record (of {@code type}, written by {@code pid} whose parent was {@code ppid} at
     * {@code timeMicros}, at ring position {@code pos}), or null when it is not known yet: the caller then
     * {@link #hold}s the record. An EXEC record starts a new program under the pid, so whatever was known of the pid
     * is looked up afresh, and a successful look-up is acked to the probe.
     *
     * @param execRecord for an EXEC record, the slot's bytes (its command line tells whether the pid still runs
     *                   the program that wrote it); null for the other types
     */
    public ProcessIdentity resolve(final int type, final int pid, final int ppid, final long timeMicros,
                                   final long pos, final byte[] execRecord) {
        final boolean exec = type == RingLayout.REC_EXEC;
        if (exec) {
            known.remove(pid);
            final Deque<byte[]> stale = held.remove(pid);
            if (stale != null) {
                // a program before this one under the pid never told its identity (killed, or its IDENTITY dropped)
                dropHeld(pid, stale);
            }
        } else {
            final ProcessIdentity k = known.get(pid);
            if (k != null) {
                return k;
            }
            if (held.containsKey(pid)) {
                return null; // keep the process's records in order behind the held ones
            }
        }
        ProcessIdentity id = fromProc(pid, ppid, timeMicros, exec ? execRecord : null);
        if (id != null) {
            if (exec) {
                ring.ack(pid, pos, id.startTicks());
            }
        } else if (!exec) {
            id = fromAck(pid, timeMicros);
        }
        if (id != null) {
            fromCollector++;
            known.put(pid, id);
        }
        return id;
    }

    /**
     * The identity an earlier collector resolved for the EXEC record of {@code pid} and stamped into its slot, for
     * that record read again after a restart when /proc no longer shows the process: remembered like one resolved now.
     */
    public ProcessIdentity stamped(final int pid, final ProcessIdentity identity) {
        fromCollector++;
        known.put(pid, identity);
        return identity;
    }

    /** Keeps a deferred record (a copy of its slot) until its process's identity is known. */
    public void hold(final byte[] record) {
        final int pid = RecordDecoder.pid(record);
        held.computeIfAbsent(pid, p -> new ArrayDeque<>()).addLast(record);
        heldRecords++;
        while (heldRecords > MAX_HELD) {
            final Iterator<Map.Entry<Integer, Deque<byte[]>>> oldest = held.entrySet().iterator();
            final Map.Entry<Integer, Deque<byte[]>> e = oldest.next();
            oldest.remove();
            dropHeld(e.getKey(), e.getValue());
        }
    }

    /** An IDENTITY record: remembers it and returns the records held for the process, in order, to deliver now. */
    public List<byte[]> learn(final int pid, final ProcessIdentity identity) {
        fromProbe++;
        final ProcessIdentity previous = known.get(pid);
        // an exe the collector found stays (the IDENTITY record's is the same file, seen later)
        known.put(pid, previous != null && previous.exe() != null && identity.exe().isEmpty() ? previous : identity);
        goneAt.remove(pid);
        final Deque<byte[]> mine = held.remove(pid);
        if (mine == null) {
            return List.of();
        }
        heldRecords -= mine.size();
        return new ArrayList<>(mine);
    }

    /** The process's last record was delivered. */
    public void exited(final int pid) {
        known.remove(pid);
    }

    /**
     * Retries the processes whose records are held, for the reader to call when it has caught up: one that lives
     * and can now be read is resolved (its records returned for delivery); one that is gone gets until the reader
     * passes the write cursor of now to deliver its IDENTITY record, after which its records are counted as
     * unresolved and dropped.
     */
    public List<Released> sweep(final long readPos) {
        final List<Released> resolved = new ArrayList<>();
        final Iterator<Map.Entry<Integer, Deque<byte[]>>> it = held.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<Integer, Deque<byte[]>> e = it.next();
            final int pid = e.getKey();
            final byte[] first = e.getValue().peekFirst();
            final boolean exec = RecordDecoder.type(first) == RingLayout.REC_EXEC;
            final ProcessIdentity id = fromProc(pid, RecordDecoder.ppid(first), RecordDecoder.timeMicros(first),
                    exec ? first : null);
            if (id != null) {
                it.remove();
                heldRecords -= e.getValue().size();
                fromCollector++;
                known.put(pid, id);
                goneAt.remove(pid);
                resolved.add(new Released(id, new ArrayList<>(e.getValue())));
                continue;
            }
            final Long mark = goneAt.get(pid);
            if (mark == null) {
                if (!Files.exists(procRoot.resolve(Integer.toString(pid)))
                        || !sameProcess(pid, RecordDecoder.timeMicros(first))) {
                    goneAt.put(pid, ring.writeCursor());
                }
            } else if (readPos >= mark) {
                it.remove();
                goneAt.remove(pid);
                dropHeld(pid, e.getValue());
            }
        }
        return resolved;
    }

    /**
     * Gives up on every held record (the channel closes); returns how many were dropped. Their slots are not
     * reported dropped: a later collector may still attribute them.
     */
    public int dropAll() {
        final int n = heldRecords;
        for (final Map.Entry<Integer, Deque<byte[]>> e : held.entrySet()) {
            unresolved += e.getValue().size();
        }
        held.clear();
        heldRecords = 0;
        return n;
    }

    public long fromCollector() {
        return fromCollector;
    }

    public long fromProbe() {
        return fromProbe;
    }

    public long unresolved() {
        return unresolved;
    }

    public int held() {
        return heldRecords;
    }

    private void dropHeld(final int pid, final Deque<byte[]> records) {
        heldRecords -= records.size();
        unresolved += records.size();
        for (final byte[] record : records) {
            droppedRecords.accept(RecordDecoder.position(record));
        }
    }

    /**
     * Start ticks (and, for an EXEC, the exe) of {@code pid} from /proc, if that pid is still the process that wrote
     * the record: same parent, started no later than the record. Null when it is gone, another process, or
     * unreadable.
     *
     * <p>An EXEC record needs more: exec keeps the pid, the parent and the start time, so a process that has exec'd
     * again since it wrote the record passes those checks while /proc/&lt;pid&gt;/exe already names the next program
     * ({@code env bash script}: env's record read once bash runs would become bash with "bash" as its script). Its
     * exe is taken only while /proc/&lt;pid&gt;/cmdline, read after the exe, is still the record's command line: an
     * exec between the two reads changes the command line, so a match means the exe read was of the record's
     * program. Otherwise the record waits for the IDENTITY record its probe writes before an exec or exit.
     */
    private ProcessIdentity fromProc(final int pid, final int ppid, final long recordMicros, final byte[] execRecord) {
        final boolean needExe = execRecord != null;
        final Path dir = procRoot.resolve(Integer.toString(pid));
        final String stat;
        try {
            stat = Files.readString(dir.resolve("stat"));
        } catch (final IOException | RuntimeException e) {
            return null;
        }
        final OptionalLong ticks = ProcessStartTime.startTicks(stat);
        final OptionalLong parent = ProcessStartTime.parentPid(stat);
        if (ticks.isEmpty() || parent.isEmpty() || parent.getAsLong() != ppid
                || startTime.epochMicros(ticks.getAsLong()) > recordMicros + CLOCK_SLACK_MICROS) {
            return null;
        }
        String exe = null;
        if (needExe) {
            try {
                exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
            } catch (final IOException | RuntimeException e) {
                return null; // a zombie has no exe any more: its IDENTITY record has it
            }
            if (!stillRuns(dir, execRecord)) {
                return null;
            }
        }
        return new ProcessIdentity(ticks.getAsLong(), exe);
    }

    /**
     * Whether /proc/&lt;pid&gt;/cmdline is the command line of the EXEC record (a cut record's: begins with it). A
     * program that rewrites its own argv (a process title, a hidden password) fails this too: it is then resolved
     * from its IDENTITY record, a little later, instead of from /proc.
     */
    private static boolean stillRuns(final Path dir, final byte[] execRecord) {
        final byte[] recorded = RecordDecoder.execCommandLine(execRecord, execRecord.length);
        if (recorded == null) {
            return false;
        }
        final byte[] current;
        try {
            current = Files.readAllBytes(dir.resolve("cmdline"));
        } catch (final IOException | RuntimeException e) {
            return false;
        }
        if (RecordDecoder.truncated(execRecord)) {
            return current.length >= recorded.length
                    && Arrays.equals(current, 0, recorded.length, recorded, 0, recorded.length);
        }
        return Arrays.equals(current, recorded);
    }

    private boolean sameProcess(final int pid, final long recordMicros) {
        try {
            final OptionalLong ticks = ProcessStartTime.startTicks(
                    Files.readString(procRoot.resolve(Integer.toString(pid)).resolve("stat")));
            return ticks.isPresent() && startTime.epochMicros(ticks.getAsLong()) <= recordMicros + CLOCK_SLACK_MICROS;
        } catch (final IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * After a collector restart: a process that an earlier collector resolved (and acked, so it wrote no IDENTITY
     * record) and that has exited since is known from its ack entry, if no other pid took the entry since.
     */
    private ProcessIdentity fromAck(final int pid, final long recordMicros) {
        final long ticks = ring.ackedStartTicks(pid);
        if (ticks < 0 || startTime.epochMicros(ticks) > recordMicros + CLOCK_SLACK_MICROS) {
            return null;
        }
        return new ProcessIdentity(ticks, null);
    }
}
