package io.tether.bench.e2e;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.serde.AvroSerde;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.StoreNames;
import io.tether.streams.topology.TopologyOptions;
import io.tether.streams.topology.internals.ConnectionPairing;
import io.tether.streams.topology.internals.GraphEvent;
import io.tether.streams.topology.internals.GraphOutput;
import io.tether.streams.topology.internals.HostOutput;
import io.tether.streams.topology.internals.ProcessVersion;
import io.tether.streams.topology.internals.SocketEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.ForeachAction;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * The shape of {@link MigrationSetTopology} -- the one issue 4 prescribes -- with trivial logic: the same input
 * topics and source, the same kinds of stores and internal topics with the same names, serdes and settings, and
 * about as many records through each, but trivial logic (the exec's program, no grace; a pass-on rule without
 * sums; no graph, fixed sets and index records at the app's rate) instead of attribution, coalescing, the graph and
 * set assembly. What this topology costs under exactly-once is the floor of the shape itself: whatever the app
 * costs beyond it is Tether's logic.
 *
 * <p>Like the app, the two per-event lookups have an in-memory shortcut in front of their store (the app's
 * {@code LatestProcessVersions} and the coalescer's mirror): the store is still written per event, read only when
 * the shortcut does not know the key. A floor must not do more per event than the app does.
 *
 * <p>Left out, as the app's logic or because the app writes (almost) nothing there in the bench's workload: the
 * attribution grace's pending stores ({@code attribution-pending}: 0.06-0.19 records per input event,
 * {@code process-pending-forks}: none), the DLQ branch, the graph's punctuations (expiry, emit).
 */
final class PrescribedShape {
    /**
     * Bytes of one "migration set": the mean size of the app's sets in session 5's 100,000-event runs (8.5 MB in
     * 1,758 records), so that the sets topic and the table over it carry the app's volume in bytes too.
     */
    static final int SET_BYTES = 4_800;
    /**
     * One set per this many graph evidence records, one index record per {@link #INDEX_EVERY}: the app wrote
     * 0.018 set and 0.002 index records per input event in those runs; this shape passes ≈ 0.36 graph evidence
     * records per input event.
     */
    static final int SETS_EVERY = 20;
    static final int INDEX_EVERY = 150;
    /** Components the sets and index records spread over (the workload's 40 applications, 3 APs each). */
    private static final int COMPONENTS = 40;
    private static final String PROGRAM = "/bench/prescribed-shape";

    private PrescribedShape() {
    }

    /**
     * The topology; {@code counter} sees every input event as it enters (before any state is touched). Build it
     * with {@link MigrationSetTopology#optimizations()}, as the app is.
     */
    static Topology build(final TopologyOptions options, final ForeachAction<String, SpecificRecord> counter) {
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<String> keys = Serdes.String();
        final AvroSerde<SpecificRecord> anyEvent = new AvroSerde<>();
        anyEvent.configure(options.serdeConfig(), false);

        // one source over the six input topics, one processor with the versioned PID table (as the app)
        final KStream<String, HostOutput> attributed = builder.stream(
                List.of(options.execTopic(), options.forkTopic(), options.exitTopic(), options.openTopic(),
                    options.connectTopic(), options.acceptTopic()),
                Consumed.with(keys, anyEvent).withName("input-source"))
            .peek(counter, Named.as("count"))
            .process(new HostSupplier(options), Named.as("host-processes"));

        // process and file evidence through the coalescer's cached store
        final KStream<String, GraphEvent> hostEvidence = attributed
            .filter((k, v) -> v.evidence() != null, Named.as("host-evidence"))
            .mapValues(HostOutput::evidence, Named.as("host-evidence-value"))
            .process(new CoalescerSupplier(options), Named.as("file-evidence-coalescer"));

        // the connection join: the app's own (its repartition topic, split, DSL outer join and their stores)
        final KStream<String, GraphEvent> connectionEvidence = ConnectionPairing.connectionEvidence(attributed, options);

        // everything into one single-partition topic, one task with two cached changelogged stores
        final KStream<String, GraphOutput> outputs = hostEvidence
            .merge(connectionEvidence, Named.as("merge-connection-evidence"))
            .repartition(Repartitioned.<String, GraphEvent>as("graph-evidence")
                .withKeySerde(keys).withValueSerde(GraphEvent.SERDE).withNumberOfPartitions(1))
            .process(new GraphSupplier(), Named.as("coupling-graph"));

        // the outputs and their tables, as the app (the sets as plain bytes: no Avro set to decode)
        final Map<String, KStream<String, GraphOutput>> branches = outputs.split(Named.as("graph-output-"))
            .branch((k, v) -> v.isSet(), Branched.as("sets"))
            .defaultBranch(Branched.as("index"));
        branches.get("graph-output-sets").mapValues(GraphOutput::setRecord, Named.as("set-values"))
            .to(options.migrationSetsTopic(), Produced.with(keys, Serdes.ByteArray()).withName("migration-sets-sink"));
        builder.table(options.migrationSetsTopic(),
            Consumed.with(keys, Serdes.ByteArray()).withName("migration-sets-source"),
            Materialized.<String, byte[]>as(Stores.persistentVersionedKeyValueStore(
                    StoreNames.MIGRATION_SETS_HISTORY, options.evidenceWindow()))
                .withKeySerde(keys).withValueSerde(Serdes.ByteArray()));
        branches.get("graph-output-index").mapValues(GraphOutput::componentId, Named.as("index-values"))
            .to(options.apIndexTopic(), Produced.with(keys, keys).withName("ap-index-sink"));
        final KStream<String, String> indexBack = builder.stream(options.apIndexTopic(),
            Consumed.with(keys, keys).withName("ap-index-source"));
        indexBack.toTable(Named.as("ap-index-table"),
            Materialized.<String, String>as(Stores.persistentKeyValueStore(StoreNames.AP_INDEX))
                .withKeySerde(keys).withValueSerde(keys));
        indexBack.toTable(Named.as("ap-index-history-table"),
            Materialized.<String, String>as(Stores.persistentVersionedKeyValueStore(
                    StoreNames.AP_INDEX_HISTORY, options.evidenceWindow()))
                .withKeySerde(keys).withValueSerde(keys));
        return builder.build(MigrationSetTopology.optimizations());
    }

    /**
     * The PID table's traffic: a versioned put per exec/fork/exit, a lookup at the event's time per
     * open/connect/accept (the latest version from memory when the process put one since the task started, else a
     * versioned get from the store); every event becomes one piece of evidence or one socket side.
     */
    private static final class HostProcesses implements Processor<String, SpecificRecord, String, HostOutput> {
        private final Map<String, ProcessVersion> latest = new HashMap<>();
        private ProcessorContext<String, HostOutput> context;
        private VersionedKeyValueStore<String, ProcessVersion> table;

        @Override
        public void init(final ProcessorContext<String, HostOutput> context) {
            this.context = context;
            this.table = context.getStateStore(StoreNames.PROCESS_TABLE);
            latest.clear();
        }

        @Override
        public void process(final Record<String, SpecificRecord> record) {
            final SpecificRecord value = record.value();
            if (value instanceof OpenEvent e) {
                final EventHeader h = e.getHeader();
                final ProcessVersion p = lookUp(record);
                context.forward(record.withValue(HostOutput.evidence(GraphEvent.file(h.getHostId(), p.program(),
                    h.getPid(), 0, h.getTimeMicros(), e.getPath(), e.getMode() == AccessMode.WRITE, e.getCount()))));
            } else if (value instanceof ConnectEvent e) {
                context.forward(record.withValue(HostOutput.side(SocketEvent.of(e, lookUp(record)))));
            } else if (value instanceof AcceptEvent e) {
                context.forward(record.withValue(HostOutput.side(SocketEvent.of(e, lookUp(record)))));
            } else {
                final EventHeader h = header(value);
                final String program = program(record.key(), value);
                final ProcessVersion version = new ProcessVersion(h.getStartTime(), program, 0, h.getTimeMicros());
                table.put(record.key(), version, record.timestamp());
                latest.put(record.key(), version);
                final GraphEvent evidence = value instanceof ExitEvent
                    ? GraphEvent.exit(h.getHostId(), program, h.getPid(), 0, h.getTimeMicros())
                    : GraphEvent.process(h.getHostId(), program, h.getPid(), 0, h.getTimeMicros());
                context.forward(record.withValue(HostOutput.evidence(evidence)));
            }
        }

        /** The process at the event's time; a pid the table does not know (yet) counts as the fixed program too. */
        private ProcessVersion lookUp(final Record<String, SpecificRecord> record) {
            final ProcessVersion known = latest.get(record.key());
            if (known != null) {
                return known;
            }
            final VersionedRecord<ProcessVersion> found = table.get(record.key(), record.timestamp());
            return found != null ? found.value() : new ProcessVersion(0, PROGRAM, 0, record.timestamp() * 1000);
        }

        /**
         * The program as the collector gave it (exec), inherited from the parent's latest version in memory
         * (fork) or kept (exit): no history, no grace -- only so that the APs, and with them the coalescer's and
         * the graph's keys, are as many as the app's.
         */
        private String program(final String key, final SpecificRecord value) {
            final ProcessVersion known;
            if (value instanceof ExecEvent e) {
                return e.getProgram();
            } else if (value instanceof ForkEvent e) {
                known = latest.get(ProcessKey.of(e.getHeader().getHostId(), e.getParentPid()));
            } else {
                known = latest.get(key);
            }
            return known == null ? PROGRAM : known.program();
        }

        private static EventHeader header(final SpecificRecord value) {
            if (value instanceof ExecEvent e) {
                return e.getHeader();
            }
            if (value instanceof ForkEvent e) {
                return e.getHeader();
            }
            return ((ExitEvent) value).getHeader();
        }
    }

    private record HostSupplier(TopologyOptions options)
            implements ProcessorSupplier<String, SpecificRecord, String, HostOutput> {
        @Override
        public Processor<String, SpecificRecord, String, HostOutput> get() {
            return new HostProcesses();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.versionedKeyValueStoreBuilder(
                Stores.persistentVersionedKeyValueStore(StoreNames.PROCESS_TABLE, options.processHistory()),
                Serdes.String(), ProcessVersion.SERDE));
        }
    }

    /**
     * The coalescer's traffic: a cached put per open (AP, file and mode), the open passed on when the use is new
     * or its last pass is {@code evidenceRefresh} old (the app's rule, without its summing of repeats).
     */
    private static final class Coalescer implements Processor<String, GraphEvent, String, GraphEvent> {
        /** The store's content since the task started (written through): the app's coalescer reads a mirror too. */
        private final Map<String, Long> mirror = new HashMap<>();
        private final long refreshMicros;
        private ProcessorContext<String, GraphEvent> context;
        private KeyValueStore<String, Long> passed;

        Coalescer(final long refreshMicros) {
            this.refreshMicros = refreshMicros;
        }

        @Override
        public void init(final ProcessorContext<String, GraphEvent> context) {
            this.context = context;
            this.passed = context.getStateStore(StoreNames.FILE_EVIDENCE_COALESCED);
            mirror.clear();
        }

        @Override
        public void process(final Record<String, GraphEvent> record) {
            final GraphEvent e = record.value();
            if (e.kind() != GraphEvent.Kind.FILE) {
                context.forward(record);
                return;
            }
            final String key = e.ap() + '\u001f' + e.path() + '\u001f' + e.write();
            Long last = mirror.get(key);
            if (last == null) {
                last = passed.get(key);
            }
            final boolean pass = last == null || e.timeMicros() - last >= refreshMicros;
            final Long now = pass ? e.timeMicros() : last;
            passed.put(key, now);
            mirror.put(key, now);
            if (pass) {
                context.forward(record);
            }
        }
    }

    private record CoalescerSupplier(TopologyOptions options)
            implements ProcessorSupplier<String, GraphEvent, String, GraphEvent> {
        @Override
        public Processor<String, GraphEvent, String, GraphEvent> get() {
            return new Coalescer(options.evidenceRefresh().toNanos() / 1000L);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.FILE_EVIDENCE_COALESCED), Serdes.String(), Serdes.Long())
                .withCachingEnabled());
        }
    }

    /**
     * The graph task's traffic: every evidence record put into the cached evidence store, fixed sets and index
     * records forwarded at the app's rate, the index also put into its cached store. No graph.
     */
    private static final class Graph implements Processor<String, GraphEvent, String, GraphOutput> {
        private static final byte[] SET = new byte[SET_BYTES];
        private ProcessorContext<String, GraphOutput> context;
        private KeyValueStore<String, GraphEvent> evidence;
        private KeyValueStore<String, String> emittedIndex;
        private long seen;
        /** The outputs' time: the latest evidence time seen, as the app's graph stamps what it emits (never back). */
        private long outputTime = Long.MIN_VALUE;

        @Override
        public void init(final ProcessorContext<String, GraphOutput> context) {
            this.context = context;
            this.evidence = context.getStateStore(StoreNames.GRAPH_EVIDENCE);
            this.emittedIndex = context.getStateStore(StoreNames.GRAPH_EMITTED_INDEX);
        }

        @Override
        public void process(final Record<String, GraphEvent> record) {
            final GraphEvent e = record.value();
            evidence.put(evidenceKey(e), e);
            seen++;
            outputTime = Math.max(outputTime, record.timestamp());
            final String component = "component-" + (seen % COMPONENTS);
            if (seen % SETS_EVERY == 0) {
                context.forward(new Record<>(component, GraphOutput.set(SET), outputTime));
            }
            if (seen % INDEX_EVERY == 0) {
                final String ap = e.ap();
                emittedIndex.put(ap, component);
                context.forward(new Record<>(ap, GraphOutput.index(component), outputTime));
            }
        }
    }

    /** Per node or edge, as the graph keys its evidence: repeated evidence for one replaces the last. */
    private static String evidenceKey(final GraphEvent e) {
        return switch (e.kind()) {
            case FILE -> "F|" + e.ap() + '|' + e.path();
            case CONNECTION -> "C|" + e.ap() + '|' + e.peerHost() + '|' + e.remote();
            case EXTERNAL -> "X|" + e.ap() + '|' + e.remote();
            case PROCESS, EXIT -> "P|" + e.host() + '|' + e.pid();
        };
    }

    private static final class GraphSupplier implements ProcessorSupplier<String, GraphEvent, String, GraphOutput> {
        @Override
        public Processor<String, GraphEvent, String, GraphOutput> get() {
            return new Graph();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.GRAPH_EVIDENCE),
                    Serdes.String(), GraphEvent.SERDE).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.GRAPH_EMITTED_INDEX),
                    Serdes.String(), Serdes.String()).withCachingEnabled());
        }
    }
}
