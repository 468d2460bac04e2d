package io.tether.collector.publish;

import io.tether.schemas.topic.EventType;
import io.tether.collector.publish.internals.EncodedBatch;
import io.tether.collector.publish.internals.Spool;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The collector's {@link EventSink}: publishes events to Kafka, one topic per event type, keyed by
 * {@code hostId|pid} with the event time as record timestamp, through an idempotent {@code acks=all} producer
 * (lz4-compressed batches). It stamps every event with this run's id and a per-run sequence number, folds
 * repeated identical opens into one event with a count, and writes every event to a local spool before sending
 * it, so neither a Kafka outage nor a killed collector loses what was spooled: unacknowledged records are resent
 * in order when Kafka is back, or by the next run (see {@link Spool} for the format and the policy when full).
 * A hard kill loses what was accepted but not yet spooled, except probe events: the probe channel keeps their
 * records in its ring until this publisher reports them kept ({@link DurableEventSink}).
 *
 * <p>{@link #accept} only enqueues (it blocks only while the publisher is a full queue behind). Two threads do
 * the rest: an {@link EncodeStage} (coalescing, stamping, Avro encoding) hands batches through a small bounded
 * queue to a {@link Sender} (spool, Kafka). The sink owns an accepted event: it sets its header's sequence and
 * collectorRun and may change its {@code count}.
 */
public final class KafkaEventPublisher implements DurableEventSink, AutoCloseable {
    private final PublisherConfig config;
    private final BlockingQueue<SpecificRecord> queue;
    private final CollectorMetrics metrics;
    /** Encoded batches in flight between the two threads; small, so the spool is never far behind the encoder. */
    private static final int HAND_OFF_BATCHES = 8;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean encoderFinished = new AtomicBoolean();
    private final AtomicBoolean senderStopped = new AtomicBoolean();
    /** Events accepted and not yet in the spool (queued, held by the coalescer, being encoded, in the hand-off). */
    private final AtomicLong pending = new AtomicLong();
    private final Sender sender;
    private final Thread encodeThread;
    private final Thread sendThread;
    private final long recovered;
    private final long[] recoveredProbeRecords;

    private KafkaEventPublisher(final PublisherConfig config, final SchemaIds schemaIds, final CollectorMetrics metrics)
            throws IOException {
        this.config = config;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        final Spool spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(), 8L << 20, 1 << 16);
        this.recovered = spool.recoveredRecords();
        this.recoveredProbeRecords = spool.recoveredProbeRecords();
        final BlockingQueue<EncodedBatch> handOff = new ArrayBlockingQueue<>(HAND_OFF_BATCHES);
        final BlockingQueue<EncodedBatch> recycled = new ArrayBlockingQueue<>(HAND_OFF_BATCHES + 2);
        final EncodeStage encoder = new EncodeStage(config, queue, handOff, recycled, metrics, running, senderStopped,
                pending, encoderFinished);
        this.sender = new Sender(config, handOff, recycled, encoderFinished, pending, spool, schemaIds, metrics,
                running, senderStopped);
        this.encodeThread = new Thread(encoder, "tether-encoder-" + config.hostId());
        this.sendThread = new Thread(sender, "tether-publisher-" + config.hostId());
        encodeThread.setDaemon(false);
        sendThread.setDaemon(false);
        sendThread.start();
        encodeThread.start();
    }

    /**
     * Opens the spool (resending what a previous run left in it) and starts the sender thread. Does not need
     * Kafka or the registry to be reachable.
     *
     * @throws UncheckedIOException when the spool directory cannot be used
     */
    public static KafkaEventPublisher start(final PublisherConfig config, final SchemaIds schemaIds,
                                            final CollectorMetrics metrics) {
        try {
            return new KafkaEventPublisher(config, schemaIds, metrics);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot use spool directory " + config.spoolDir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(final SpecificRecord event) {
        if (event == null) {
            throw new IllegalArgumentException("event must not be null");
        }
        EventType.of(event); // reject foreign records here, in the caller's thread, not in the sender
        if (!running.get()) {
            throw new IllegalStateException("the publisher of host " + config.hostId() + " is stopped");
        }
        metrics.seen.increment();
        pending.incrementAndGet();
        try {
            while (!queue.offer(event, 100, TimeUnit.MILLISECONDS)) {
                if (!running.get()) {
                    pending.decrementAndGet();
                    throw new IllegalStateException("the publisher of host " + config.hostId() + " is stopped");
                }
            }
        } catch (final InterruptedException e) {
            pending.decrementAndGet();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing an event to the publisher", e);
        }
    }

    /** Probe records are kept once their events are written to the spool file (see {@link DurableEventSink}). */
    @Override
    public void onKept(final LongConsumer probeSequences) {
        sender.onKept(probeSequences);
    }

    /**
     * Probe records whose events a previous run had spooled (it may have been killed before the probe channel freed
     * their slots): the channel must skip them ({@code ProbeChannel#skipKept}).
     */
    public long[] recoveredProbeRecords() {
        return recoveredProbeRecords.clone();
    }

    /** Records the previous run left in the spool (resent by this run). */
    public long recoveredFromSpool() {
        return recovered;
    }

    public CollectorMetrics metrics() {
        return metrics;
    }

    /**
     * Waits until everything accepted so far has been acknowledged by Kafka (coalescing windows included).
     * For tests and orderly hand-overs; returns false on timeout.
     */
    public boolean awaitDelivered(final Duration timeout) throws InterruptedException {
        return sender.awaitIdle(timeout);
    }

    /** Whether the publisher's threads are still running (false after close, or after a spool disk failure). */
    public boolean isRunning() {
        return running.get() && encodeThread.isAlive() && sendThread.isAlive();
    }

    /**
     * Stops accepting, sends what Kafka takes within a few seconds and leaves the rest in the spool for the next run.
     */
    @Override
    public void close() {
        running.set(false);
        try {
            // the encoder first: it hands over what it holds (coalesced opens included), then the sender spools it
            encodeThread.join(TimeUnit.SECONDS.toMillis(10));
            sendThread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
