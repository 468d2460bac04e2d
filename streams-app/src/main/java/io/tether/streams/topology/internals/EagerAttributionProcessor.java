package io.tether.streams.topology.internals;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.identity.ProcessKey;
import io.tether.streams.topology.StoreNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attributes open/connect/accept events to their program by looking up the versioned
 * {@link StoreNames#PROCESS_TABLE} at the event's time, and forwards the result at once.
 *
 * <p>Why not the DSL's stream–versioned-table join: with a grace period it buffers EVERY event until stream time
 * passes the event's time plus the grace, so each set update would wait for the grace — and forever in a quiet
 * system, where nothing advances stream time. Here only events whose process instance is not known yet (its exec or
 * fork is late) wait, in a changelogged pending store ({@code <type>-attribution-pending}). They are retried on a
 * wall-clock and a stream-time schedule and given up once stream time has passed their time plus the grace: then
 * they are counted in the {@code unattributed-events-total} metric (tagged {@code event-type}), logged (rate
 * limited) and forwarded as {@link Attribution#givenUp}, which the topology writes to the DLQ topic with the reason
 * in the {@value #REASON_HEADER} header. Nothing is lost silently.
 *
 * <p>The input is keyed {@code hostId|pid} like the process table and is co-partitioned with it, so the lookup is
 * local. Determinism: the lookup is by event time, so the answer does not depend on when it is made, as long as the
 * version valid at the event's time arrived within the grace; the give-up decision is made on stream time only.
 * One case is answered differently than the buffering join did: a forked child's event that is delivered before
 * the child's own (earlier) exec is attributed at once to the program inherited from the parent, where the join,
 * waiting for the grace, would have seen the exec. Collectors send a process's events in order, so this needs an
 * exec delayed behind later events of the same process.
 *
 * <p>Co-partitioning: unlike a DSL join, a processor with a connected store does not make Kafka Streams check that
 * the event topic and the process table's repartition topic have the same number of partitions; the app creates
 * all input topics with the same count (TopicSetup), and topics created by hand must keep to that.
 */
public final class EagerAttributionProcessor<E, R> implements Processor<String, E, String, Attribution<E, R>> {
    /** The header carrying why the record went to the DLQ (the name Kafka Streams' own DLQ records use). */
    public static final String REASON_HEADER = "__streams.errors.message";
    /** The metric (total; a rate beside it) of events given up unattributed. */
    public static final String UNATTRIBUTED_METRIC = "unattributed-events";
    /** Metric group scope: the metric group is {@code stream-tether-attribution-metrics}. */
    public static final String METRIC_SCOPE = "tether-attribution";

    private static final Logger LOG = LoggerFactory.getLogger(EagerAttributionProcessor.class);
    private static final long LOG_EVERY_MILLIS = 60_000L;

    private final String eventType;
    private final Function<E, EventHeader> header;
    private final BiFunction<E, ProcessVersion, R> attribute;
    private final long graceMillis;
    private final Duration retryInterval;
    private ProcessorContext<String, Attribution<E, R>> context;
    private VersionedKeyValueStore<String, ProcessVersion> processes;
    private KeyValueStore<String, E> pending;
    private Sensor unattributed;
    private long pendingCount;
    private long lastLogMillis = Long.MIN_VALUE;
    private long suppressedLogs;

    /**
     * @param eventType     "open", "connect" or "accept": names the pending store and tags the metric
     * @param header        the event's header (host, pid, start time, event time)
     * @param attribute     the result for an event and its process instance's version (start time already checked)
     * @param grace         how long (stream time) an event waits for its exec
     * @param retryInterval how often (wall clock and stream time) pending events are retried
     */
    public EagerAttributionProcessor(final String eventType, final Function<E, EventHeader> header,
                                     final BiFunction<E, ProcessVersion, R> attribute, final Duration grace,
                                     final Duration retryInterval) {
        this.eventType = eventType;
        this.header = header;
        this.attribute = attribute;
        this.graceMillis = grace.toMillis();
        this.retryInterval = retryInterval;
    }

    /** Name of the pending store of an event type. */
    public static String pendingStoreName(final String eventType) {
        return eventType + "-attribution-pending";
    }

    @Override
    public void init(final ProcessorContext<String, Attribution<E, R>> context) {
        this.context = context;
        this.processes = context.getStateStore(StoreNames.PROCESS_TABLE);
        this.pending = context.getStateStore(pendingStoreName(eventType));
        this.unattributed = context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId().toString(),
            UNATTRIBUTED_METRIC, Sensor.RecordingLevel.INFO, "event-type", eventType);
        try (KeyValueIterator<String, E> it = pending.all()) {
            while (it.hasNext()) {
                it.next();
                pendingCount++;
            }
        }
        // wall clock: a quiet system (no later events) still attributes an event once its late exec has arrived;
        // stream time: gives up on events deterministically, whatever the wall clock did
        context.schedule(retryInterval, PunctuationType.WALL_CLOCK_TIME, now -> retryPending());
        context.schedule(retryInterval, PunctuationType.STREAM_TIME, streamTime -> retryPending());
    }

    @Override
    public void process(final Record<String, E> record) {
        final E event = record.value();
        if (event == null) {
            return;
        }
        final EventHeader h = header.apply(event);
        final R result = lookup(h, event);
        if (result != null) {
            context.forward(record.withKey(processKey(h)).withValue(Attribution.<E, R>of(result))
                .withTimestamp(eventMillis(h)));
            return;
        }
        if (context.currentStreamTimeMs() > eventMillis(h) + graceMillis) {
            giveUp(h, event, record.headers());
            return;
        }
        final String key = pendingKey(h);
        if (pending.get(key) == null) {
            pendingCount++;
        }
        pending.put(key, event);
    }

    private R lookup(final EventHeader h, final E event) {
        final VersionedRecord<ProcessVersion> version = processes.get(processKey(h), eventMillis(h));
        if (version == null || version.value().startTime() != h.getStartTime()) {
            return null; // unknown yet, exited, or a dead instance that held the same pid (pid reuse)
        }
        return attribute.apply(event, version.value());
    }

    private void retryPending() {
        if (pendingCount == 0) {
            return;
        }
        final long streamTime = context.currentStreamTimeMs();
        final List<KeyValue<String, E>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, E> it = pending.all()) {
            it.forEachRemaining(waiting::add);
        }
        for (final KeyValue<String, E> w : waiting) {
            final EventHeader h = header.apply(w.value);
            final R result = lookup(h, w.value);
            if (result != null) {
                context.forward(new Record<>(processKey(h), Attribution.<E, R>of(result), eventMillis(h)));
            } else if (streamTime > eventMillis(h) + graceMillis) {
                giveUp(h, w.value, new RecordHeaders());
            } else {
                continue;
            }
            pending.delete(w.key);
            pendingCount--;
        }
    }

    private void giveUp(final EventHeader h, final E event, final Headers headers) {
        final String key = processKey(h);
        final String reason = "unattributed: no exec for " + key + " (start time " + h.getStartTime()
            + ") within grace " + graceMillis + " ms";
        unattributed.record();
        final long now = System.currentTimeMillis();
        if (lastLogMillis == Long.MIN_VALUE || now - lastLogMillis >= LOG_EVERY_MILLIS) {
            LOG.warn("{} event {}; sent to the DLQ ({} more since the last such message)", eventType, reason,
                suppressedLogs);
            lastLogMillis = now;
            suppressedLogs = 0;
        } else {
            suppressedLogs++;
        }
        final Headers out = new RecordHeaders(headers.toArray());
        out.remove(REASON_HEADER);
        out.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(key, Attribution.<E, R>givenUp(event), eventMillis(h), out));
    }

    @Override
    public void close() {
        if (unattributed != null) {
            context.metrics().removeSensor(unattributed);
        }
    }

    /**
     * Unique per event and the same in every replay: the process key first (so one process's events sit
     * together), then the event time and the collector's own sequence.
     */
    private static String pendingKey(final EventHeader h) {
        return processKey(h) + "|" + h.getStartTime() + "|" + String.format("%020d", h.getTimeMicros()) + "|"
            + h.getCollectorRun() + "|" + h.getSequence();
    }

    private static String processKey(final EventHeader h) {
        return ProcessKey.of(h.getHostId(), h.getPid());
    }

    private static long eventMillis(final EventHeader h) {
        return Math.floorDiv(h.getTimeMicros(), 1000L);
    }
}
