package io.tether.collector.probe;

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
 * fixed-size records into. This class creates (or resumes) the ring file and drains it in order, handing each
 * record as an Avro event to an {@link EventSink}.
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

    private final RingFile ring;
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
    private final Object readLock = new Object();
    private long readPos;
    /** First position whose slot is not freed yet (readPos or behind it): stored as the ring's read cursor. */
    private long frontier;
    /** Whether read slots wait for the sink to report their events kept, rather than being freed at once. */
    private boolean holdSlots;
    private DurableEventSink keptBy;
    private long stalledSince = -1;
    private long reservedSeenAt = -1;
    private long lastSweep = System.nanoTime();
    private volatile boolean running;
    private Thread reader;

    private ProbeChannel(final RingFile ring, final String hostId, final ProcessStartTime startTime,
                         final ProbeChannelConfig config) {
        this.ring = ring;
        this.decoder = new RecordDecoder(hostId, startTime);
        // records dropped as unattributable are done with: their slots are freed
        this.identities = new ProcessIdentities(ring, startTime, Path.of("/proc"), this::kept);
        this.config = config;
        this.slot = new byte[ring.slotSize()];
        this.slotView = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
        this.readPos = ring.readCursor();
        this.frontier = readPos;
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
        if (ring.resumed()) {
            LOG.info("probe channel {} resumed at record {} ({} written, {} dropped by probes so far)",
                    ring.path(), ring.readCursor(), ring.writeCursor(), ring.dropped());
        }
        return new ProbeChannel(ring, hostId, ProcessStartTime.ofThisBoot(), config);
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
            int consumed = 0;
            while (consumed < max) {
                final long commit = ring.commitAcquire(readPos);
                if (commit == readPos + 1) {
                    final int used = ring.copySlot(readPos, slot);
                    final long pos = readPos;
                    if (!holdSlots) {
                        ring.release(pos);
                    }
                    advance();
                    deliver(sink, used, pos);
                } else if (commit - readPos >= ring.slotCount()) {
                    advance(); // a previous collector kept it (and freed its slot) before it was stopped or killed
                } else if (commit == readPos && abandonedWriter()) {
                    if (ring.abandon(readPos)) {
                        abandoned.incrementAndGet();
                        LOG.warn("probe channel {}: skipped record {} that a writer reserved and never committed",
                                ring.path(), readPos);
                        advance();
                    }
                    continue;
                } else {
                    break;
                }
                consumed++;
            }
            if (consumed < max) {
                sweep(sink);
            }
            advanceFrontier();
            return consumed;
        }
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
                if (ring.release(pos)) {
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
        ring.release(pos); // from the sink's thread: a CAS on the slot alone
    }

    /**
     * Moves the stored read cursor past the slots freed so far. An IDENTITY record is freed here, once every record
     * before it is: the records it attributes came before it, and a restarted collector would need it to attribute
     * them again. When half the ring is read but not kept (a record waits long for its process's identity, or the
     * publisher is far behind), the oldest slot is freed anyway, counted, so that probes can go on writing: until
     * its event is kept, a hard kill would lose that record.
     */
    private void advanceFrontier() {
        final long before = frontier;
        while (frontier < readPos) {
            if (ring.released(frontier)) {
                frontier++;
            } else if (ring.type(frontier) == RingLayout.REC_IDENTITY) {
                ring.release(frontier);
                frontier++;
            } else if (readPos - frontier > ring.slotCount() / 2) {
                if (ring.release(frontier) && freedUnkept.incrementAndGet() % 10_000 == 1) {
                    LOG.warn("probe channel {}: half the ring is read but not yet spooled; freed the oldest slot"
                            + " early ({} so far): a hard kill would lose such records", ring.path(), freedUnkept.get());
                }
                frontier++;
            } else {
                break;
            }
        }
        if (frontier != before) {
            ring.readCursor(frontier);
        }
    }

    /** Caught up: now and then retry the processes whose records wait for their identity (see ProcessIdentities). */
    private void sweep(final EventSink sink) {
        if (identities.held() == 0 || System.nanoTime() - lastSweep < SWEEP_NANOS) {
            return;
        }
        lastSweep = System.nanoTime();
        final long before = identities.unresolved();
        for (final ProcessIdentities.Released r : identities.sweep(readPos)) {
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

    private void advance() {
        readPos++;
        stalledSince = -1;
        reservedSeenAt = -1;
    }

    /**
     * Whether the slot at readPos was reserved by a writer that has not committed it for longer than the abandon
     * timeout. The write cursor is looked at only once the slot has been uncommitted for that long, because
     * reading it on every poll would pull its cache line away from the writers, who CAS it on every call.
     */
    private boolean abandonedWriter() {
        final long now = System.nanoTime();
        final long timeout = config.abandonTimeout().toNanos();
        if (stalledSince < 0) {
            stalledSince = now;
            return false;
        }
        if (now - stalledSince < timeout) {
            return false;
        }
        if (reservedSeenAt < 0) {
            if (ring.writeCursor() > readPos) {
                reservedSeenAt = now; // reserved some time before now: abandoned if still open a timeout later
            } else {
                stalledSince = now; // just an idle ring
            }
            return false;
        }
        return now - reservedSeenAt > timeout;
    }

    /**
     * One record read from the ring: an IDENTITY record releases the records held for its process; a record whose
     * identity the probe deferred gets it from the collector (ProcessIdentities) or waits for it; the rest is decoded
     * as it is.
     */
    private void deliver(final EventSink sink, final int used, final long pos) {
        if (used < RingLayout.SLOT_HEADER_SIZE) {
            malformed.incrementAndGet();
            ring.release(pos);
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
                ring.release(pos);
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
                    slotView.getLong(RingLayout.SLOT_TIME_MICROS), pos, type == RingLayout.REC_EXEC ? slot : null);
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
            ring.stampIdentity(pos, resolved.startTicks(), resolved.exe().getBytes(StandardCharsets.UTF_8));
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
            ring.release(RecordDecoder.position(record));
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
                identities.held(), identities.unresolved(), freedUnkept.get());
    }

    /**
     * Stops the reader thread, if any, after it delivered every record committed so far, and lets another reader
     * open the ring. Records still being written stay in the ring for the next reader.
     */
    @Override
    public void close() {
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
            final int dropped = identities.dropAll();
            if (dropped > 0) {
                LOG.warn("probe channel {}: closed with {} records whose process identity was still unknown; counted"
                        + " as unresolved{}", ring.path(), dropped, holdSlots ? " (left in the ring for the next collector)" : "");
            }
        }
        try {
            ring.close();
        } catch (final IOException e) {
            LOG.warn("probe channel {}: could not release the reader lock", ring.path(), e);
        }
    }
}
