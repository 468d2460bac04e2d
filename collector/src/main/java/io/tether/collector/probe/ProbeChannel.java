package io.tether.collector.probe;

import io.tether.collector.probe.internals.ProbeFifo;
import io.tether.collector.probe.internals.ProcessIdentities;
import io.tether.collector.probe.internals.ProcessIdentity;
import io.tether.collector.probe.internals.RecordDecoder;
import io.tether.collector.probe.internals.RingFile;
import io.tether.collector.probe.internals.RingLayout;
import io.tether.collector.publish.DurableEventSink;
import io.tether.collector.publish.EventSink;
import io.tether.schemas.event.ExitEvent;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The collector's end of the probe channel: the per-host shared-memory ring that every probed process
 * ({@code libtether-probe.so}, loaded with LD_PRELOAD and pointed at the file by env {@code TETHER_CHANNEL}) writes
 * fixed-size records into, and next to it the host's FIFO ({@code <ring>.fifo}) through which a process sends its
 * first few records (a short-lived process never maps the ring: tether_ring.h, "The FIFO"). This class creates (or
 * resumes) both and drains them, handing each record as an Avro event to an {@link EventSink}.
 *
 * <p>Order: a process sends its first records through the FIFO and, once it uses the ring, stays on the ring, so its
 * FIFO records come first. Each drain takes the ring's write cursor, then reads every byte the FIFO holds, then
 * delivers the ring only up to that cursor: a ring record below it was written after its process's FIFO records,
 * which were in the pipe by then and are delivered before it.
 *
 * <p>Durability: a FIFO's bytes are gone once read, so the records read from it are first copied into a journal, a
 * second ring file ({@code <ring>.journal}) that only the collector writes, and delivered from there: a journal slot,
 * like a ring slot, is freed once its event is kept, and a collector killed hard leaves the rest for the next one.
 * Not covered: records still in the pipe, or read but not yet copied, when the collector dies (the kernel drops a
 * pipe's bytes with its last reader): at most what probes wrote since the last drain (0.25–2 ms).
 *
 * <p>One reader per ring (a second {@code create} on the same path fails while this one is open): either {@link #start(EventSink)} a reader thread, or call {@link #drain(EventSink, int)}
 * yourself. {@link #close()} stops the thread after delivering every committed record; the file stays, so probes
 * that hold it mapped keep running (their records wait, or are dropped and counted, until a collector resumes it).
 */
public final class ProbeChannel implements AutoCloseable {
    /** Environment variable the probe reads the ring path from. */
    public static final String ENV_CHANNEL = "TETHER_CHANNEL";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeChannel.class);
    // idle polling backs off from 0.25 to 2 ms: fewer wake-ups mean fewer preemptions of probed programs on small
    // machines, and a few ms of delivery delay is nothing next to Kafka's batching
    private static final long MIN_IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int BATCH = 4096;
    // how often a caught-up reader retries the processes whose records wait for their identity
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final String FIFO_SUFFIX = ".fifo";
    private static final String JOURNAL_SUFFIX = ".journal";
    /** Journal slots: a FIFO record (at most 1 KiB) and the identity a collector may stamp behind an EXEC record. */
    private static final int JOURNAL_SLOT_SIZE = 2048;
    /** Half of it (the most a drain may leave unkept) outnumbers the records a full pipe (64 KiB) can hold. */
    private static final int JOURNAL_SLOTS = 4096;
    /** How long an orderly close waits for a probe that opened the FIFO just before it was removed. */
    private static final long LAST_WRITERS_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final RingFile ring;
    private final RingFile journal;
    private final ProbeFifo fifo;
    private final Cursor ringCursor;
    private final Cursor journalCursor;
    /** FIFO bytes read but not yet copied into the journal (a partial record, or records the journal had no room for). */
    private final byte[] fifoBytes = new byte[128 * 1024];
    private int fifoHeld;
    private final RecordDecoder decoder;
    private final ProcessIdentities identities;
    private final ProbeChannelConfig config;
    private final byte[] slot;
    private final ByteBuffer slotView;
    private final AtomicLong recordsRead = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final AtomicLong freedUnkept = new AtomicLong();
    private final AtomicLong fromFifo = new AtomicLong();
    private final Object readLock = new Object();
    /** Whether read slots wait for the sink to report their events kept, rather than being freed at once. */
    private boolean holdSlots;
    private DurableEventSink keptBy;
    private long lastSweep = System.nanoTime();
    private volatile boolean running;
    private Thread reader;
    private boolean closed;

    /** Reading state of one ring file (the probes' ring or the journal). */
    private static final class Cursor {
        final RingFile file;
        long readPos;
        /** First position whose slot is not freed yet (readPos or behind it): stored as the ring's read cursor. */
        long frontier;
        long stalledSince = -1;
        long reservedSeenAt = -1;

        Cursor(final RingFile file) {
            this.file = file;
            this.readPos = file.readCursor();
            this.frontier = readPos;
        }
    }

    private ProbeChannel(final RingFile ring, final RingFile journal, final ProbeFifo fifo, final String hostId,
                         final ProcessStartTime startTime, final ProbeChannelConfig config) {
        this.ring = ring;
        this.journal = journal;
        this.fifo = fifo;
        this.ringCursor = new Cursor(ring);
        this.journalCursor = new Cursor(journal);
        this.decoder = new RecordDecoder(hostId, startTime);
        // records dropped as unattributable are done with: their slots are freed
        this.identities = new ProcessIdentities(ring, startTime, Path.of("/proc"), this::kept);
        this.config = config;
        this.slot = new byte[Math.max(ring.slotSize(), journal.slotSize())];
        this.slotView = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Creates (or resumes) the ring at {@code path} with the default size. */
    public static ProbeChannel create(final Path path, final String hostId) throws IOException {
        return create(path, hostId, ProbeChannelConfig.DEFAULT);
    }

    /**
     * Creates the ring file at {@code path} (parent directories too), or resumes an existing one of the same layout
     * and size, e.g. after a collector restart, without losing the records probes wrote meanwhile.
     */
    public static ProbeChannel create(final Path path, final String hostId, final ProbeChannelConfig config)
            throws IOException {
        if (hostId == null || hostId.isBlank()) {
            throw new IllegalArgumentException("probe channel needs a host id");
        }
        final RingFile ring = RingFile.openOrCreate(path, hostId, config.slotSize(), config.slotCount());
        final RingFile journal;
        try {
            journal = RingFile.openOrCreate(Path.of(path + JOURNAL_SUFFIX), hostId, JOURNAL_SLOT_SIZE, JOURNAL_SLOTS,
                    RingLayout.JOURNAL_POSITION_BIT);
        } catch (final IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
        if (ring.resumed()) {
            LOG.info("probe channel {} resumed at record {} ({} written, {} dropped by probes so far)",
                    ring.path(), ring.readCursor(), ring.writeCursor(), ring.dropped());
        }
        if (journal.resumed() && journal.readCursor() != journal.writeCursor()) {
            LOG.info("probe channel {}: {} records a previous collector took from the FIFO are read again from {}",
                    ring.path(), journal.writeCursor() - journal.readCursor(), journal.path());
        }
        // made after the ring is locked (one reader per channel): the previous collector's FIFO is replaced
        final ProbeFifo fifo = ProbeFifo.create(Path.of(path.toAbsolutePath() + FIFO_SUFFIX));
        return new ProbeChannel(ring, journal, fifo, hostId, ProcessStartTime.ofThisBoot(), config);
    }

    /** The ring file: what {@value #ENV_CHANNEL} must name for probes to write here. */
    public Path path() {
        return ring.path();
    }

    /** Starts the reader thread (a daemon): it drains the ring into {@code sink} until {@link #close()}. */
    public synchronized void start(final EventSink sink) {
        if (reader != null) {
            throw new IllegalStateException("probe channel " + ring.path() + " is already being read");
        }
        running = true;
        reader = new Thread(() -> readLoop(sink), "tether-probe-reader");
        reader.setDaemon(true);
        reader.setUncaughtExceptionHandler((t, e) -> LOG.error("probe channel {}: the reader stopped, probes will"
                + " fill the ring and drop records", ring.path(), e));
        reader.start();
    }

    private void readLoop(final EventSink sink) {
        long idle = MIN_IDLE_NANOS;
        while (running) {
            if (drain(sink, BATCH) > 0) {
                idle = MIN_IDLE_NANOS;
            } else {
                LockSupport.parkNanos(idle);
                idle = Math.min(MAX_IDLE_NANOS, idle * 2);
            }
        }
        while (drain(sink, BATCH) > 0) {
            // deliver what was committed before close
        }
    }

    /**
     * Reads up to {@code max} committed records in ring order into {@code sink}; returns how many slots it consumed.
     * Stops at the first slot not yet committed. A slot reserved but left uncommitted for longer than the abandon
     * timeout (its writer died mid-record) is skipped and counted, so one killed process cannot stop the channel.
     *
     * <p>With a {@link DurableEventSink}, a record's slot is freed only once the sink reports its event kept (see
     * {@code tether_ring.h}, "Kept"), so a collector killed hard loses none of the records it read: the next one
     * reads them again from the ring. Any other sink gets each record's slot freed as soon as it is read.
     */
    public int drain(final EventSink sink, final int max) {
        synchronized (readLock) {
            holdSlots = holdsSlotsFor(sink);
            // the ring's cursor before the FIFO is read: a process's ring records below it come after its FIFO
            // records, which are in the pipe by now (class comment, "Order")
            final long ringLimit = ring.writeCursor();
            final boolean fifoEmptied = pullFifo();
            int consumed = drain(journalCursor, sink, max, Long.MAX_VALUE);
            if (fifoEmptied) {
                consumed += drain(ringCursor, sink, max, ringLimit);
            }
            if (consumed < max) {
                sweep(sink);
            }
            advanceFrontier(journalCursor);
            advanceFrontier(ringCursor);
            return consumed;
        }
    }

    /**
     * Copies every whole record the FIFO holds into the journal, before anything is delivered (see the class comment,
     * "Durability"); true when the FIFO was emptied, false when the journal had no room for all of it (the rest waits
     * in memory and in the pipe, and the ring waits too, to keep each process's order).
     */
    private boolean pullFifo() {
        if (fifo == null) {
            return true;
        }
        try {
            int available = fifo.available();
            while (available > 0 && fifoHeld < fifoBytes.length) {
                final int read = fifo.read(fifoBytes, fifoHeld, Math.min(available, fifoBytes.length - fifoHeld));
                if (read <= 0) {
                    break;
                }
                fifoHeld += read;
                available -= read;
                if (!journalFifoRecords()) {
                    return false;
                }
            }
            if (!journalFifoRecords()) {
                return false;
            }
            if (fifoHeld > 0 && available <= 0) {
                // probes write each record whole, in one write: a piece of one is no probe's
                malformed.incrementAndGet();
                LOG.warn("probe channel {}: discarded {} bytes of the FIFO that end in no whole record", ring.path(),
                        fifoHeld);
                fifoHeld = 0;
            }
            return available <= 0;
        } catch (final IOException e) {
            LOG.warn("probe channel {}: cannot read the FIFO {}: {}", ring.path(), fifo.path(), e.toString());
            return true;
        }
    }

    /** Moves the whole records in fifoBytes into the journal; false when the journal is full. */
    private boolean journalFifoRecords() {
        final ByteBuffer view = ByteBuffer.wrap(fifoBytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        boolean room = true;
        while (fifoHeld - at >= RingLayout.SLOT_HEADER_SIZE) {
            final int length = view.getInt(at + RingLayout.SLOT_LENGTH);
            final int type = view.getShort(at + RingLayout.SLOT_TYPE) & 0xffff;
            if (length < 0 || length > RingLayout.FIFO_RECORD_MAX - RingLayout.SLOT_HEADER_SIZE
                    || type < RingLayout.REC_EXEC || type > RingLayout.REC_IDENTITY) {
                // not a probe's record: without a sound length the rest cannot be split into records either
                malformed.incrementAndGet();
                LOG.warn("probe channel {}: discarded {} bytes of the FIFO that are no probe records", ring.path(),
                        fifoHeld - at);
                at = fifoHeld;
                break;
            }
            final int total = RingLayout.SLOT_HEADER_SIZE + length;
            if (fifoHeld - at < total) {
                break; // the rest of it is still in the pipe
            }
            // a collector's stamp is never a probe's to set
            view.putShort(at + RingLayout.SLOT_FLAGS,
                    (short) (view.getShort(at + RingLayout.SLOT_FLAGS) & ~RingLayout.FLAG_RESOLVED));
            if (journal.append(fifoBytes, at, total) < 0) {
                room = false;
                break;
            }
            fromFifo.incrementAndGet();
            at += total;
        }
        System.arraycopy(fifoBytes, at, fifoBytes, 0, fifoHeld - at);
        fifoHeld -= at;
        return room;
    }

    /** Reads up to {@code max} committed records of one ring below {@code limit} in order into {@code sink}. */
    private int drain(final Cursor c, final EventSink sink, final int max, final long limit) {
        final RingFile file = c.file;
        int consumed = 0;
        while (consumed < max && c.readPos < limit) {
            final long commit = file.commitAcquire(c.readPos);
            if (commit == c.readPos + 1) {
                final int used = file.copySlot(c.readPos, slot);
                final long pos = c.readPos;
                if (!holdSlots) {
                    file.release(pos);
                }
                advance(c);
                deliver(sink, used, pos);
            } else if (commit - c.readPos >= file.slotCount()) {
                advance(c); // a previous collector kept it (and freed its slot) before it was stopped or killed
            } else if (commit == c.readPos && abandonedWriter(c)) {
                if (file.abandon(c.readPos)) {
                    abandoned.incrementAndGet();
                    LOG.warn("probe channel {}: skipped record {} that a writer reserved and never committed",
                            file.path(), c.readPos);
                    advance(c);
                }
                continue;
            } else {
                break;
            }
            consumed++;
        }
        return consumed;
    }

    /**
     * Frees the slots of records whose events are already kept elsewhere — in the spool a killed collector left,
     * which the next one resends — before they would be read again: a kill between writing the spool and freeing
     * the slots would otherwise publish them twice (and fold repeated opens differently, counting some twice).
     * Call before reading starts; returns how many slots it freed.
     */
    public int skipKept(final long[] probeSequences) {
        synchronized (readLock) {
            int freed = 0;
            for (final long pos : probeSequences) {
                if (fileOf(pos).release(pos)) {
                    freed++;
                }
            }
            if (freed > 0) {
                LOG.info("probe channel {}: {} records read by the previous collector were in its spool already",
                        ring.path(), freed);
            }
            return freed;
        }
    }

    private boolean holdsSlotsFor(final EventSink sink) {
        if (!(sink instanceof DurableEventSink durable)) {
            return false;
        }
        if (durable != keptBy) {
            durable.onKept(this::kept);
            keptBy = durable;
        }
        return true;
    }

    /** The event of the record at {@code pos} is kept (or it was dropped for good): its slot can be reused. */
    private void kept(final long pos) {
        fileOf(pos).release(pos); // from the sink's thread: a CAS on the slot alone
    }

    /** The ring file a position belongs to: the journal's positions carry {@link RingLayout#JOURNAL_POSITION_BIT}. */
    private RingFile fileOf(final long pos) {
        return RingLayout.isJournal(pos) ? journal : ring;
    }

    /**
     * Moves the stored read cursor past the slots freed so far. An IDENTITY record is freed here, once every record
     * before it is: the records it attributes came before it, and a restarted collector would need it to attribute
     * them again. When half the ring is read but not kept (a record waits long for its process's identity, or the
     * publisher is far behind), the oldest slot is freed anyway, counted, so that probes can go on writing: until
     * its event is kept, a hard kill would lose that record.
     */
    private void advanceFrontier(final Cursor c) {
        final RingFile file = c.file;
        final long before = c.frontier;
        while (c.frontier < c.readPos) {
            if (file.released(c.frontier)) {
                c.frontier++;
            } else if (file.type(c.frontier) == RingLayout.REC_IDENTITY) {
                file.release(c.frontier);
                c.frontier++;
            } else if (c.readPos - c.frontier > file.slotCount() / 2) {
                if (file.release(c.frontier) && freedUnkept.incrementAndGet() % 10_000 == 1) {
                    LOG.warn("probe channel {}: half the ring is read but not yet spooled; freed the oldest slot"
                            + " early ({} so far): a hard kill would lose such records", file.path(), freedUnkept.get());
                }
                c.frontier++;
            } else {
                break;
            }
        }
        if (c.frontier != before) {
            file.readCursor(c.frontier);
        }
    }

    /** Caught up: now and then retry the processes whose records wait for their identity (see ProcessIdentities). */
    private void sweep(final EventSink sink) {
        if (identities.held() == 0 || System.nanoTime() - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = System.nanoTime();
        final long before = identities.unresolved();
        for (final ProcessIdentities.Released r : identities.sweep(ringCursor.readPos)) {
            for (final byte[] record : r.records()) {
                emit(sink, record, record.length, r.identity());
            }
        }
        final long dropped = identities.unresolved() - before;
        if (dropped > 0) {
            LOG.warn("probe channel {}: dropped {} records of processes that ended (killed?) before their identity"
                    + " was known ({} so far)", ring.path(), dropped, identities.unresolved());
        }
    }

    private static void advance(final Cursor c) {
        c.readPos++;
        c.stalledSince = -1;
        c.reservedSeenAt = -1;
    }

    /**
     * Whether the slot at the cursor's readPos was reserved by a writer that has not committed it for longer than the
     * abandon timeout. The write cursor is looked at only once the slot has been uncommitted for that long, because
     * reading it on every poll would pull its cache line away from the writers, who CAS it on every call.
     */
    private boolean abandonedWriter(final Cursor c) {
        final long now = System.nanoTime();
        final long timeout = config.abandonTimeout().toNanos();
        if (c.stalledSince < 0) {
            c.stalledSince = now;
            return false;
        }
        if (now - c.stalledSince < timeout) {
            return false;
        }
        if (c.reservedSeenAt < 0) {
            if (c.file.writeCursor() > c.readPos) {
                c.reservedSeenAt = now; // reserved some time before now: abandoned if still open a timeout later
            } else {
                c.stalledSince = now; // just an idle ring
            }
            return false;
        }
        return now - c.reservedSeenAt > timeout;
    }

    /**
     * One record read from the ring: an IDENTITY record releases the records held for its process; a record whose
     * identity the probe deferred gets it from the collector (ProcessIdentities) or waits for it; the rest is decoded
     * as it is.
     */
    private void deliver(final EventSink sink, final int used, final long pos) {
        if (used < RingLayout.SLOT_HEADER_SIZE) {
            malformed.incrementAndGet();
            fileOf(pos).release(pos);
            LOG.warn("probe channel {}: skipped a slot shorter than its header", ring.path());
            return;
        }
        final int type = slotView.getShort(RingLayout.SLOT_TYPE) & 0xffff;
        if (type == RingLayout.REC_IDENTITY) {
            final ProcessIdentity id;
            try {
                id = RecordDecoder.identity(slot, used);
            } catch (final RuntimeException e) {
                malformed.incrementAndGet();
                fileOf(pos).release(pos);
                LOG.warn("probe channel {}: skipped a malformed identity record: {}", ring.path(), e.toString());
                return;
            }
            for (final byte[] record : identities.learn(RecordDecoder.pid(slot), id)) {
                emit(sink, record, record.length, id);
            }
            return;
        }
        if ((slotView.getShort(RingLayout.SLOT_FLAGS) & RingLayout.FLAG_IDENTITY_DEFERRED) != 0) {
            final int pid = slotView.getInt(RingLayout.SLOT_PID);
            ProcessIdentity id = identities.resolve(type, pid, slotView.getInt(RingLayout.SLOT_PPID),
                    slotView.getLong(RingLayout.SLOT_TIME_MICROS), pos);
            if (type == RingLayout.REC_EXEC) {
                id = stampOrRecall(id, pid, used, pos);
            }
            if (id == null) {
                identities.hold(Arrays.copyOf(slot, used));
                return;
            }
            emit(sink, slot, used, id);
            return;
        }
        emit(sink, slot, used, null);
    }

    /**
     * An EXEC record's identity survives a hard kill in its slot: resolved now, it is stamped there (the probe,
     * acked, writes no IDENTITY record, and the exe is gone with the process); read again after a restart, the
     * stamp answers when /proc no longer can.
     */
    private ProcessIdentity stampOrRecall(final ProcessIdentity resolved, final int pid, final int used,
                                          final long pos) {
        final ProcessIdentity stamped;
        try {
            stamped = RecordDecoder.stamped(slot, used);
        } catch (final RuntimeException e) {
            LOG.warn("probe channel {}: ignored a damaged identity stamp: {}", ring.path(), e.toString());
            return resolved;
        }
        if (resolved == null) {
            return stamped == null ? null : identities.stamped(pid, stamped);
        }
        if (holdSlots && stamped == null && resolved.exe() != null) {
            fileOf(pos).stampIdentity(pos, resolved.startTicks(), resolved.exe().getBytes(StandardCharsets.UTF_8));
        }
        return resolved;
    }

    private void emit(final EventSink sink, final byte[] record, final int used, final ProcessIdentity identity) {
        final SpecificRecord event;
        try {
            event = decoder.decode(record, used, identity);
        } catch (final RuntimeException e) {
            // MalformedRecordException, or a value the schemas refuse: either way the slot cannot become an event
            malformed.incrementAndGet();
            final long pos = RecordDecoder.position(record);
            fileOf(pos).release(pos);
            LOG.warn("probe channel {}: skipped a malformed record: {}", ring.path(), e.toString());
            return;
        }
        if (RecordDecoder.truncated(record)) {
            truncated.incrementAndGet();
        }
        if (event instanceof ExitEvent exit) {
            identities.exited(exit.getHeader().getPid());
        }
        recordsRead.incrementAndGet();
        try {
            sink.accept(event);
        } catch (final RuntimeException e) {
            // the slot stays (with a durable sink): a later collector reads it again
            sinkFailures.incrementAndGet();
            LOG.error("probe channel {}: the event sink refused a {}", ring.path(), event.getSchema().getName(), e);
        }
    }

    public ProbeCounters counters() {
        return new ProbeCounters(recordsRead.get(), ring.dropped(), truncated.get(), malformed.get(),
                abandoned.get(), sinkFailures.get(), identities.fromCollector(), identities.fromProbe(),
                identities.held(), identities.unresolved(), freedUnkept.get(), fromFifo.get());
    }

    /**
     * Stops the reader thread, if any, after it delivered every record committed so far, and lets another reader
     * open the ring. Records still being written stay in the ring for the next reader.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (fifo != null) {
            // new records go to the ring from now on; a probe that opened the FIFO just before writes within µs
            fifo.unlink();
            LockSupport.parkNanos(LAST_WRITERS_NANOS);
        }
        final Thread t;
        synchronized (this) {
            t = reader;
            running = false;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (readLock) {
            // without a reader thread nothing was delivered: what the FIFO holds still goes to the journal, where the
            // next reader finds it (the pipe's bytes die with this reader)
            pullFifo();
            final int dropped = identities.dropAll();
            if (dropped > 0) {
                LOG.warn("probe channel {}: closed with {} records whose process identity was still unknown; counted"
                        + " as unresolved{}", ring.path(), dropped, holdSlots ? " (left in the ring for the next collector)" : "");
            }
        }
        closeQuietly(fifo);
        closeQuietly(journal);
        closeQuietly(ring);
    }

    private void closeQuietly(final AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (final Exception e) {
            LOG.warn("probe channel {}: could not close {}", ring.path(), resource, e);
        }
    }
}
