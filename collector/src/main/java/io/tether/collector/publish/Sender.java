package io.tether.collector.publish;

import io.tether.collector.publish.internals.EncodedBatch;
import io.tether.collector.publish.internals.PidMap;
import io.tether.collector.publish.internals.PositionList;
import io.tether.collector.publish.internals.Spool;
import io.tether.collector.publish.internals.SpoolCursor;
import io.tether.collector.publish.internals.SpoolSegment;
import io.tether.collector.publish.internals.SpoolTags;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.serde.ConfluentFraming;
import io.tether.schemas.topic.EventType;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The publisher's second thread: takes the batches the {@link EncodeStage} stamped and encoded, appends each event
 * to the spool and hands the very array it was encoded into to the Kafka producer — straight from memory while
 * Kafka keeps up, from the spool files after an outage or at start-up (records a previous run left). Producer
 * callbacks acknowledge records in the spool; a failed send switches to back-off, after which the sender re-reads
 * the spool from the oldest unacknowledged record with a fresh producer. Everything that touches the spool or the
 * producer runs on this one thread, so spool order is send order.
 */
final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    /** Batches taken from the hand-off before the spool buffer is written to the file (one group commit). */
    private static final int BATCHES_PER_COMMIT = 4;
    private static final int REPLAY_SLICE = 20_000;
    private static final long MAX_INFLIGHT = 200_000;
    private static final long SYNC_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long SEAL_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final PublisherConfig config;
    private final BlockingQueue<EncodedBatch> handOff;
    private final BlockingQueue<EncodedBatch> recycled;
    private final AtomicBoolean encoderFinished;
    private final AtomicLong pending;
    private final Spool spool;
    private final SchemaIds schemaIds;
    private final CollectorMetrics metrics;
    private final AtomicBoolean running;
    private final AtomicBoolean stopped;
    private final Map<EventType, String> topics = new EnumMap<>(EventType.class);
    private final Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);
    private final Map<EventType, Integer> schemaIdCache = new EnumMap<>(EventType.class);
    private final byte[] tags = new byte[EventType.values().length];
    private final PidMap<byte[]> keys = new PidMap<>();
    private final AtomicLong inflight = new AtomicLong();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final Object drained = new Object();
    /** Probe records of the batches taken this round: kept once the spool has written them to its file. */
    private final PositionList kept = new PositionList();
    private volatile LongConsumer keptListener;

    private Producer<byte[], byte[]> producer;
    /** Whether everything handed over so far is in the spool and acknowledged by Kafka (see awaitIdle). */
    private volatile boolean caughtUp;
    private long nextToSend;
    private boolean sending = true;
    private long retryAt;
    private long backoff = MIN_BACKOFF_NANOS;
    private SpoolCursor cursor;
    private long lastSync;
    private long lastSealIdle;
    private long lastLog;
    private volatile Throwable lastFailure;

    /**
     * @param encoderFinished set once the encoding stage will hand over nothing more
     * @param stopped         set by this sender when it ends (so the encoding stage stops waiting for it)
     * @param pending         events accepted but not yet in the spool: this sender subtracts what it spools
     */
    Sender(final PublisherConfig config, final BlockingQueue<EncodedBatch> handOff,
           final BlockingQueue<EncodedBatch> recycled, final AtomicBoolean encoderFinished, final AtomicLong pending,
           final Spool spool, final SchemaIds schemaIds, final CollectorMetrics metrics, final AtomicBoolean running,
           final AtomicBoolean stopped) {
        this.config = config;
        this.handOff = handOff;
        this.recycled = recycled;
        this.encoderFinished = encoderFinished;
        this.pending = pending;
        this.spool = spool;
        this.schemaIds = schemaIds;
        this.metrics = metrics;
        this.running = running;
        this.stopped = stopped;
        for (final EventType type : EventType.values()) {
            topics.put(type, config.topic(type.defaultTopic()));
            schemas.put(type, SpecificData.get().getSchema(type.recordClass()));
            tags[type.ordinal()] = SpoolTags.tagOf(type);
        }
        // a previous run's unacknowledged records go first, in order
        this.nextToSend = spool.firstUnacked();
        this.producer = newProducer();
        final long now = System.nanoTime();
        lastSync = now;
        lastSealIdle = now;
        lastLog = now;
    }

    private Producer<byte[], byte[]> newProducer() {
        final Map<String, Object> props = ProducerSettings.delivery();
        // a down broker must not stall the sender for long: the spool holds what cannot be sent
        props.put("max.block.ms", 2_000);
        props.put("request.timeout.ms", 10_000);
        props.put("delivery.timeout.ms", 30_000);
        props.put("client.id", "tether-collector-" + config.hostId());
        props.putAll(config.producerConfigs());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void run() {
        try {
            while (!(encoderFinished.get() && handOff.isEmpty())) {
                loopOnce();
            }
            spool.flush();
            finishSending();
        } catch (final IOException | java.io.UncheckedIOException e) {
            // the spool's disk failed: nothing can be kept any more, say so loudly
            LOG.error("collector spool failed; stopping the publisher: {}", e.toString(), e);
        } catch (final RuntimeException e) {
            LOG.error("collector publisher failed: {}", e.toString(), e);
        } finally {
            running.set(false);
            stopped.set(true);
            closeQuietly();
        }
    }

    private void loopOnce() throws IOException {
        EncodedBatch batch;
        try {
            batch = handOff.poll(20, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
            batch = handOff.poll();
        }
        for (int taken = 0; batch != null; batch = ++taken < BATCHES_PER_COMMIT ? handOff.poll() : null) {
            caughtUp = false; // before pending drops: awaitIdle reads pending first, then this
            persist(batch);
            kept.addAll(batch.probeRecords());
            pending.addAndGet(-batch.size());
            batch.clear();
            recycled.offer(batch);
        }
        spool.flush();
        releaseKept();
        final long now = System.nanoTime();
        handleFailure(now);
        if (sending && nextToSend < spool.nextIndex()) {
            catchUp();
        }
        housekeeping(now);
    }

    /**
     * Tells the probe channel which of its records are now kept: their events are in the spool file (the kernel has
     * them, so a killed collector resends them; the spool's periodic fsync covers a machine crash, which the ring
     * in /dev/shm would not survive either), or were dropped for good and counted.
     */
    private void releaseKept() {
        if (kept.size() == 0) {
            return;
        }
        final LongConsumer listener = keptListener;
        if (listener != null) {
            kept.forEach(listener);
        }
        kept.clear();
    }

    void onKept(final LongConsumer listener) {
        keptListener = listener;
    }

    /** Spools every event of the batch and (if Kafka keeps up) sends it. */
    private void persist(final EncodedBatch batch) throws IOException {
        final int header = ConfluentFraming.HEADER_SIZE;
        for (int i = 0; i < batch.size(); i++) {
            final EventType type = batch.type(i);
            final int pid = batch.pid(i);
            final long timestamp = batch.timestampMillis(i);
            final byte[] framed = batch.value(i);
            // the batch's last record names the probe records the batch accounts for, in the same write as its events
            final long index = spool.append(tags[type.ordinal()], pid, timestamp, framed, header, framed.length - header,
                    i == batch.size() - 1 ? batch.probeRecords() : null);
            if (index < 0) {
                metrics.droppedSpoolFull.increment();
                if (metrics.droppedSpoolFull.sum() == 1) {
                    LOG.warn("collector spool is full ({} bytes): refusing new events until Kafka takes the backlog; "
                            + "refused events leave gaps in the sequence numbers of run {}", spool.bytes(),
                            config.collectorRun());
                }
                continue;
            }
            // once a send failed, the rest of the batch waits in the spool: each further send could block for
            // max.block.ms while Kafka is down
            if (sending && !failed.get() && index == nextToSend && inflight.get() < MAX_INFLIGHT) {
                final SpoolSegment segment = spool.activeSegment();
                if (send(type, pid, timestamp, framed, segment, (int) (index - segment.firstIndex))) {
                    nextToSend++;
                    continue;
                }
            }
            metrics.spooled.increment();
        }
    }

    /**
     * Hands one record to the producer; false (and back-off) when Kafka or the registry cannot take it now.
     * {@code framed} is the value to send with its framing header not yet written; the producer keeps it.
     */
    private boolean send(final EventType type, final int pid, final long timestamp, final byte[] framed,
                         final SpoolSegment segment, final int local) {
        boolean counted = false;
        try {
            ConfluentFraming.writeHeader(framed, 0, schemaId(type));
            inflight.incrementAndGet();
            counted = true;
            producer.send(new ProducerRecord<>(topics.get(type), null, timestamp, key(pid), framed),
                    new Ack(segment, local));
            return true;
        } catch (final RuntimeException e) {
            // metadata or registry unavailable, producer buffer full for max.block.ms, producer closed
            if (counted) {
                inflight.decrementAndGet();
            }
            failure(e);
            return false;
        }
    }

    private int schemaId(final EventType type) {
        final Integer cached = schemaIdCache.get(type);
        if (cached != null) {
            return cached;
        }
        final int id = schemaIds.idFor(topics.get(type), schemas.get(type));
        schemaIdCache.put(type, id);
        return id;
    }

    private byte[] key(final int pid) {
        byte[] key = keys.get(pid);
        if (key == null) {
            if (keys.size() > 1 << 16) {
                keys.clear(); // pids are reused and many are short-lived: bound the cache, rebuilding is cheap
            }
            key = ProcessKey.of(config.hostId(), pid).getBytes(StandardCharsets.UTF_8);
            keys.put(pid, key);
        }
        return key;
    }

    private void failure(final Throwable e) {
        lastFailure = e;
        if (failed.compareAndSet(false, true)) {
            metrics.sendFailures.increment();
        }
    }

    private void handleFailure(final long now) {
        if (failed.get() && sending) {
            sending = false;
            retryAt = now + backoff;
            LOG.warn("Kafka or the schema registry unreachable ({}); spooling to {} and retrying in {} ms", describe(lastFailure),
                    config.spoolDir(), TimeUnit.NANOSECONDS.toMillis(backoff));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
        if (!sending && now - retryAt >= 0 && inflight.get() == 0) {
            // everything in flight has settled: resend what Kafka has not acknowledged, with a fresh producer
            producer.close(Duration.ZERO);
            producer = newProducer();
            schemaIdCache.clear();
            failed.set(false);
            sending = true;
            nextToSend = spool.firstUnacked();
            closeCursor();
        }
    }

    /** Sends spooled records from {@code nextToSend} on, a slice at a time, until caught up with the appends. */
    private void catchUp() throws IOException {
        if (cursor == null || cursor.index() != nextToSend) {
            closeCursor();
            cursor = spool.cursorAt(nextToSend);
        }
        int sent = 0;
        while (sent < REPLAY_SLICE && inflight.get() < MAX_INFLIGHT && !failed.get() && cursor.next()) {
            if (!cursor.acked()) {
                final EventType type = SpoolTags.typeOf(cursor.type());
                // the cursor reuses its buffer: the producer gets a framed copy
                final byte[] framed = new byte[ConfluentFraming.HEADER_SIZE + cursor.bodyLength()];
                System.arraycopy(cursor.body(), 0, framed, ConfluentFraming.HEADER_SIZE, cursor.bodyLength());
                if (!send(type, cursor.pid(), cursor.timestampMillis(), framed, cursor.segment(), cursor.local())) {
                    return;
                }
                sent++;
            }
            cursor.advance();
            nextToSend = cursor.index();
        }
        if (nextToSend >= spool.nextIndex()) {
            closeCursor();
            backoff = MIN_BACKOFF_NANOS;
        }
    }

    private void housekeeping(final long now) throws IOException {
        final boolean sealIdle = now - lastSealIdle >= SEAL_IDLE_NANOS;
        if (sealIdle) {
            lastSealIdle = now;
        }
        spool.deleteCompleted(sealIdle && handOff.isEmpty() && inflight.get() == 0);
        if (now - lastSync >= SYNC_NANOS) {
            spool.sync();
            lastSync = now;
        }
        metrics.spoolBytes.set(spool.bytes());
        metrics.backlog.set(spool.nextIndex() - nextToSend + inflight.get());
        final long logNanos = config.logInterval().toNanos();
        if (logNanos > 0 && now - lastLog >= logNanos) {
            lastLog = now;
            LOG.info("collector {} run {}: {}", config.hostId(), config.collectorRun(), metrics.summary());
        }
        caughtUp = sending && nextToSend >= spool.nextIndex() && inflight.get() == 0;
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    /** At close: give Kafka a bounded time to take the rest; what it does not take stays in the spool. */
    private void finishSending() throws IOException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            final long now = System.nanoTime();
            handleFailure(now);
            if (sending && nextToSend < spool.nextIndex()) {
                catchUp();
            }
            if (sending && nextToSend >= spool.nextIndex() && inflight.get() == 0) {
                break;
            }
            if (!sending) {
                break; // Kafka is down: the spool keeps the rest for the next run
            }
            try {
                Thread.sleep(10);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        spool.deleteCompleted(inflight.get() == 0);
        spool.sync();
    }

    /**
     * Blocks until everything accepted before the call is in the spool and acknowledged by Kafka (or the timeout
     * passed): no event pending in the queue, the coalescer, the encoder or the hand-off, and the sender caught up.
     */
    boolean awaitIdle(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            // pending first: the sender clears caughtUp before it lowers pending
            while (!(pending.get() == 0 && caughtUp)) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        }
        return true;
    }

    private void closeCursor() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (final IOException ignored) {
                // a read-only handle: nothing to lose
            }
            cursor = null;
        }
    }

    private void closeQuietly() {
        closeCursor();
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (final RuntimeException e) {
            LOG.warn("closing the Kafka producer: {}", e.toString());
        }
        try {
            spool.close();
        } catch (final IOException e) {
            LOG.warn("closing the spool: {}", e.toString());
        }
        LOG.info("collector {} run {} stopped: {}", config.hostId(), config.collectorRun(), metrics.summary());
    }

    private static String describe(final Throwable e) {
        return e == null ? "unknown" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Producer callback: acknowledges the record in the spool, or flags the failure for back-off. */
    private final class Ack implements Callback {
        private final SpoolSegment segment;
        private final int local;

        Ack(final SpoolSegment segment, final int local) {
            this.segment = segment;
            this.local = local;
        }

        @Override
        public void onCompletion(final RecordMetadata metadata, final Exception exception) {
            if (exception == null) {
                segment.ack(local);
                metrics.sent.increment();
            } else if (exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException) {
                // Kafka will never take this record: resending would loop forever, so it is dropped — loudly
                segment.ack(local);
                metrics.droppedRejected.increment();
                LOG.error("Kafka rejected an event for good ({}); it is not resent", exception.toString());
            } else {
                failure(exception);
            }
            inflight.decrementAndGet();
        }
    }
}
