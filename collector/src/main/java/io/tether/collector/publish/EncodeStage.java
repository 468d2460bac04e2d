package io.tether.collector.publish;

import io.tether.collector.publish.internals.EncodedBatch;
import io.tether.collector.publish.internals.EventEncoder;
import io.tether.collector.publish.internals.OpenCoalescer;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.topic.EventType;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The publisher's first thread: takes accepted events from the queue, folds repeated opens, stamps each event
 * with the run id and the next sequence number and encodes it once into the array Kafka will be sent, then hands
 * batches of them to the {@link Sender} thread (spool and Kafka). Splitting the work this way lets the Avro
 * encoding and coalescing of one batch run while the previous batch is spooled and handed to the producer: on a
 * single thread, the whole chain was the publish rate's bottleneck.
 *
 * <p>Sequence numbers follow the order events leave the coalescer; the {@link Sender} keeps that order into the
 * spool and into Kafka, so per-process order holds end to end.
 *
 * <p>Each batch also lists the probe records it accounts for (its events' {@code probeSequence}, the opens folded
 * into them, probe events dropped here): the sender reports them kept once the batch is in the spool file, and only
 * then does the probe channel free their ring slots ({@link DurableEventSink}). A held repeat keeps its folded
 * records unreported until it goes out itself, so the ring's kept position never passes unsent data.
 */
final class EncodeStage implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeStage.class);
    private static final int DRAIN_BATCH = 8192;
    static final int BATCH_EVENTS = 2048;

    private final PublisherConfig config;
    private final BlockingQueue<SpecificRecord> queue;
    private final BlockingQueue<EncodedBatch> handOff;
    private final BlockingQueue<EncodedBatch> recycled;
    private final CollectorMetrics metrics;
    private final AtomicBoolean running;
    private final AtomicBoolean senderStopped;
    private final AtomicLong pending;
    private final OpenCoalescer coalescer;
    private final EventEncoder encoder = new EventEncoder();
    private final List<SpecificRecord> drained = new ArrayList<>(DRAIN_BATCH);
    private final Consumer<SpecificRecord> emit = this::emit;
    private final AtomicBoolean finished;
    private Class<?> lastClass;
    private EventType lastType;
    private EncodedBatch current;
    private long sequence;
    private long foldedSoFar;

    /**
     * @param pending  events accepted but not yet in the spool: this stage subtracts those it folds or cannot encode
     * @param finished set by this stage once it will hand over nothing more
     */
    EncodeStage(final PublisherConfig config, final BlockingQueue<SpecificRecord> queue,
                final BlockingQueue<EncodedBatch> handOff, final BlockingQueue<EncodedBatch> recycled,
                final CollectorMetrics metrics, final AtomicBoolean running, final AtomicBoolean senderStopped,
                final AtomicLong pending, final AtomicBoolean finished) {
        this.config = config;
        this.queue = queue;
        this.handOff = handOff;
        this.recycled = recycled;
        this.metrics = metrics;
        this.running = running;
        this.senderStopped = senderStopped;
        this.pending = pending;
        this.finished = finished;
        this.coalescer = new OpenCoalescer(config.coalesceWindow().toNanos(), p -> batch().addProbeRecord(p));
    }

    @Override
    public void run() {
        try {
            while ((running.get() || !queue.isEmpty()) && !senderStopped.get()) {
                loopOnce();
            }
            coalescer.releaseAll(emit);
            handOffCurrent();
        } catch (final RuntimeException e) {
            LOG.error("collector publisher (encoding) failed: {}", e.toString(), e);
            running.set(false);
        } finally {
            finished.set(true);
        }
    }

    private void loopOnce() {
        drained.clear();
        if (queue.drainTo(drained, DRAIN_BATCH) == 0) {
            try {
                final SpecificRecord one = queue.poll(20, TimeUnit.MILLISECONDS);
                if (one != null) {
                    drained.add(one);
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                running.set(false);
            }
        }
        final long now = System.nanoTime();
        for (final SpecificRecord event : drained) {
            try {
                coalescer.offer(typeOf(event), event, now, emit);
            } catch (final RuntimeException e) {
                // a malformed event (no header, an open without a path): drop it, loudly and counted, keep going
                metrics.droppedMalformed.increment();
                pending.decrementAndGet();
                keepProbeRecord(event);
                LOG.error("dropping a malformed {} from a capture source: {}", event.getClass().getSimpleName(),
                        e.toString());
            }
        }
        coalescer.expire(now, emit);
        final long folded = coalescer.folded();
        if (folded != foldedSoFar) {
            pending.addAndGet(foldedSoFar - folded);
            foldedSoFar = folded;
            metrics.coalesced.set(coalescer.coalesced());
        }
        handOffCurrent();
    }

    /** Stamps and encodes one event that left the coalescer, into the current batch. */
    private void emit(final SpecificRecord event) {
        final EventType type = typeOf(event);
        final EventHeader header = type.header(event);
        header.setCollectorRun(config.collectorRun());
        header.setSequence(sequence++);
        final Long probeSequence = header.getProbeSequence();
        if (probeSequence != null) {
            // before the event joins the batch, which may then be handed off: kept (or dropped) with it
            batch().addProbeRecord(probeSequence);
        }
        final byte[] framed;
        try {
            framed = encoder.encodeFramed(type, event);
        } catch (final java.io.IOException | RuntimeException e) {
            // an event Avro cannot write (a required field left null by a capture source): it can never be sent,
            // so it is dropped here, loudly and counted, and the publisher goes on with the next one
            metrics.droppedMalformed.increment();
            pending.decrementAndGet();
            LOG.error("cannot encode a {} event of pid {} (sequence {} of run {} is left out): {}", type,
                    header.getPid(), header.getSequence(), config.collectorRun(), e.toString());
            return;
        }
        batch().add(type, header.getPid(), header.getTimeMicros() / 1000, framed);
        if (current.isFull()) {
            handOffCurrent();
        }
    }

    private EncodedBatch batch() {
        if (current == null) {
            current = recycled.poll();
            if (current == null) {
                current = new EncodedBatch(BATCH_EVENTS);
            }
        }
        return current;
    }

    /** A probe event that can never be sent: its record is done with once the batch is spooled, like the rest. */
    private void keepProbeRecord(final SpecificRecord event) {
        try {
            final Long probeSequence = typeOf(event).header(event).getProbeSequence();
            if (probeSequence != null) {
                batch().addProbeRecord(probeSequence);
            }
        } catch (final RuntimeException noHeader) {
            // not from the probe channel, which always fills the header
        }
    }

    /** The event's type; consecutive events are mostly of one type, so the last answer is kept. */
    private EventType typeOf(final SpecificRecord event) {
        final Class<?> type = event.getClass();
        if (type != lastClass) {
            lastType = EventType.of(event);
            lastClass = type;
        }
        return lastType;
    }

    private void handOffCurrent() {
        if (current == null || current.size() == 0 && current.probeRecords().size() == 0) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                if (handOff.offer(current, 100, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (final InterruptedException e) {
                // stop taking new events, but do not lose the accepted ones: keep handing them over
                interrupted = true;
                running.set(false);
            }
            if (senderStopped.get()) {
                // the sender died (its spool disk failed) and logged why: nothing can take these any more
                // their probe records stay in the ring for the next collector
                pending.addAndGet(-current.size());
                current.clear();
                return;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        current = null;
    }
}
