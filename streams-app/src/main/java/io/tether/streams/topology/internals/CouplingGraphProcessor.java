package io.tether.streams.topology.internals;

import io.tether.schemas.model.MigrationSet;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.StoreNames;
import java.time.Duration;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts the {@link CouplingGraph} in a stream task. The graph lives in memory for speed; the state stores
 * {@link StoreNames#GRAPH_EVIDENCE} and {@link StoreNames#GRAPH_EMITTED_INDEX} are its changelogged source of truth,
 * read back into memory when the task starts (after a restart or a fail-over).
 *
 * <ul>
 *   <li>evidence retires on stream time (punctuation every {@code expiryInterval}): evidence last seen more than
 *       {@code window + lateness} before stream time is gone;</li>
 *   <li>changed sets are emitted on wall-clock time every {@code emitInterval} (coalescing a busy component's
 *       changes), after every record if the interval is zero, and after every expiry round.</li>
 * </ul>
 *
 * <p>A set is encoded here, once, with the sets topic's serializer: its size decides whether it can be written at all,
 * and the sink writes the same bytes.
 */
public final class CouplingGraphProcessor implements Processor<String, GraphEvent, String, GraphOutput> {
    /**
     * The metric (total; a rate beside it) of set emissions held back because the set outgrew the largest record
     * the app may write ({@link MigrationSetTopology#MAX_SET_BYTES_CONFIG}); tagged with nothing, grouped like the
     * attribution metrics ({@code stream-tether-graph-metrics}).
     */
    public static final String OVERSIZED_METRIC = "oversized-sets";
    /** Metric group scope: the metric group is {@code stream-tether-graph-metrics}. */
    public static final String METRIC_SCOPE = "tether-graph";
    private static final Logger LOG = LoggerFactory.getLogger(CouplingGraphProcessor.class);

    private final long windowMicros;
    private final long latenessMicros;
    private final Duration expiryInterval;
    private final Duration emitInterval;
    private ProcessorContext<String, GraphOutput> context;
    private CouplingGraph graph;
    private final Serializer<MigrationSet> setSerializer;
    private final String setsTopic;
    private long maxSetBytes;
    private Sensor oversized;
    private final LogLimiter oversizedWarnings = new LogLimiter(Duration.ofMinutes(1));
    private final LogLimiter unencodableWarnings = new LogLimiter(Duration.ofMinutes(1));

    /**
     * @param setSerializer the sets topic's value serializer (configured): the sink writes what it makes here
     * @param setsTopic     the topic the sets go to (the serializer's subject is named after it)
     */
    public CouplingGraphProcessor(final Duration window, final Duration lateness, final Duration expiryInterval,
                                  final Duration emitInterval, final Serializer<MigrationSet> setSerializer,
                                  final String setsTopic) {
        this.setSerializer = setSerializer;
        this.setsTopic = setsTopic;
        this.windowMicros = window.toNanos() / 1000L;
        this.latenessMicros = lateness.toNanos() / 1000L;
        this.expiryInterval = expiryInterval;
        this.emitInterval = emitInterval;
    }

    @Override
    public void init(final ProcessorContext<String, GraphOutput> context) {
        this.context = context;
        final Object limit = context.appConfigs().get(MigrationSetTopology.MAX_SET_BYTES_CONFIG);
        maxSetBytes = limit == null ? MigrationSetTopology.DEFAULT_MAX_SET_BYTES : Long.parseLong(limit.toString());
        oversized = context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId().toString(), OVERSIZED_METRIC,
            Sensor.RecordingLevel.INFO);
        final KeyValueStore<String, GraphEvent> evidence = context.getStateStore(StoreNames.GRAPH_EVIDENCE);
        final KeyValueStore<String, String> emitted = context.getStateStore(StoreNames.GRAPH_EMITTED_INDEX);
        graph = new CouplingGraph(windowMicros, new StoreBackedGraph(evidence, emitted));
        try (KeyValueIterator<String, GraphEvent> it = evidence.all()) {
            while (it.hasNext()) {
                graph.restoreEvidence(it.next().value);
            }
        }
        try (KeyValueIterator<String, String> it = emitted.all()) {
            while (it.hasNext()) {
                final KeyValue<String, String> kv = it.next();
                graph.restoreEmitted(kv.key, kv.value);
            }
        }
        context.schedule(expiryInterval, PunctuationType.STREAM_TIME, streamTime -> {
            graph.expire(streamTime * 1000L - windowMicros - latenessMicros);
            emit(graph.flush());
        });
        if (!emitInterval.isZero()) {
            context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, now -> emit(graph.flush()));
        }
    }

    @Override
    public void process(final Record<String, GraphEvent> record) {
        if (record.value() == null) {
            return;
        }
        graph.apply(record.value());
        if (emitInterval.isZero()) {
            emit(graph.flush());
        }
    }

    private void emit(final GraphChanges changes) {
        for (final GraphChanges.SetChange s : changes.sets()) {
            final byte[] record;
            if (s.set() == null) {
                record = null;
            } else {
                record = encode(s);
                if (record == null || tooLarge(s, record.length)) {
                    continue;
                }
            }
            context.forward(new Record<>(s.componentId(), GraphOutput.set(record), millis(s.timeMicros())));
        }
        for (final GraphChanges.IndexChange i : changes.index()) {
            context.forward(new Record<>(i.ap(), GraphOutput.index(i.componentId()), millis(i.timeMicros())));
        }
    }

    /**
     * The set's record for the sets topic, or null when it cannot be encoded (the registry refused its schema):
     * logged, and the other sets of the round still go out, as the sink's production handler let them before the
     * encoding moved here.
     */
    private byte[] encode(final GraphChanges.SetChange s) {
        try {
            return setSerializer.serialize(setsTopic, s.set());
        } catch (final SerializationException e) {
            if (unencodableWarnings.allow(System.currentTimeMillis())) {
                LOG.error("migration set of component {} not written: cannot encode it for {} ({} more since the last "
                    + "such message): {}", s.componentId(), setsTopic, unencodableWarnings.takeHeld(), e.toString());
            }
            return null;
        }
    }

    /**
     * Whether a set is too large to write: under exactly-once a record the producer or the topic refuses fails the
     * transaction, and the task would fail again on every retry of the same input. Such a set is held back (the
     * table keeps the component's previous set), counted and logged; later, smaller versions go out as usual.
     */
    private boolean tooLarge(final GraphChanges.SetChange s, final long bytes) {
        if (bytes <= maxSetBytes) {
            return false;
        }
        oversized.record();
        if (oversizedWarnings.allow(System.currentTimeMillis())) {
            LOG.error("migration set of component {} not written: {} bytes, more than the {} the output topic and "
                    + "producer take ({} APs, {} files); its previous set stays in the table. Raise max.message.bytes "
                    + "of the sets topic and producer.max.request.size together to write it (metric {}; {} more "
                    + "held back since the last such message)", s.componentId(), bytes, maxSetBytes,
                s.set().getApps().size(), s.set().getFiles().size(), OVERSIZED_METRIC, oversizedWarnings.takeHeld());
        }
        return true;
    }

    private static long millis(final long micros) {
        return Math.max(0L, Math.floorDiv(micros, 1000L));
    }

    /** {@link GraphStore} over the processor's two state stores. */
    private record StoreBackedGraph(KeyValueStore<String, GraphEvent> evidence,
                                    KeyValueStore<String, String> emitted) implements GraphStore {
        @Override
        public void putEvidence(final String key, final GraphEvent value) {
            evidence.put(key, value);
        }

        @Override
        public void deleteEvidence(final String key) {
            evidence.delete(key);
        }

        @Override
        public void putEmitted(final String ap, final String componentId) {
            emitted.put(ap, componentId);
        }

        @Override
        public void deleteEmitted(final String ap) {
            emitted.delete(ap);
        }
    }
}
