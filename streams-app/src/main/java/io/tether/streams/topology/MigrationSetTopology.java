package io.tether.streams.topology;

import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerde;
import io.tether.schemas.topic.EventType;
import io.tether.streams.topology.internals.ConnectionPairing;
import io.tether.streams.topology.internals.CouplingGraphProcessor;
import io.tether.streams.topology.internals.FileEvidenceCoalescer;
import io.tether.streams.topology.internals.GraphEvent;
import io.tether.streams.topology.internals.GraphOutput;
import io.tether.streams.topology.internals.HostEvent;
import io.tether.streams.topology.internals.HostEventReader;
import io.tether.streams.topology.internals.HostEventSerde;
import io.tether.streams.topology.internals.HostOutput;
import io.tether.streams.topology.internals.HostProcessesProcessor;
import io.tether.streams.topology.internals.ProcessVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The Tether topology (DESIGN.md §1–3): from exec/fork/exit/open/connect/accept events to the migration sets.
 *
 * <pre>
 * exec, fork, exit, open, connect, accept (partitioned by host)
 *   ─> host-processes: PID table (process-table, versioned) + attribution
 *        ├─> PROCESS / FILE evidence (repeats coalesced) ───────────────────────────────┐
 *        ├─> connect + accept sides ─> socket-by-connection ─> clients ┐                 ├─> graph-evidence ─> graph
 *        │                                                 └─> servers ┴─> outer join ─┘   (window + grace)    │
 *        └─> given up unattributed ─> tether.dlq                           CONNECTION / EXTERNAL              │
 *   tether.migration-sets ─> migration-sets-history (versioned)  <─ sets ──┬───────────────────────────────────┘
 *   tether.ap-index ─> ap-index, ap-index-history                <─ index ─┘
 * </pre>
 *
 * <p><b>Limit:</b> the coupling graph is global (a connection or a shared file can couple any two APs), so all
 * evidence goes through one single-partition repartition topic into one task ({@code coupling-graph}). Everything
 * before it (attribution, the connection join) scales with the input partitions; the graph task is bounded by one
 * core and by its memory (see bench/reports/streams.md for the per-event cost and the bytes per AP and file).
 * Its state is rebuilt from the changelogged {@link StoreNames#GRAPH_EVIDENCE} store on fail-over.
 *
 * <p>Every operator, store and internal topic is named, so internal topic names stay stable across releases.
 */
public final class MigrationSetTopology {
    /**
     * App config (set by {@link io.tether.streams.app.TetherStreamsApp} from the topics it found) giving the input
     * topics' partition count, so that the host task can tell an event produced without
     * {@link io.tether.schemas.topic.HostPartitioner} from one of its own hosts. Absent: not checked.
     */
    public static final String INPUT_PARTITIONS_CONFIG = "tether.input.partitions";
    /**
     * App config (set by {@link io.tether.streams.app.TetherStreamsApp} from its producer's and the sets topic's
     * limits) giving the largest migration set, in bytes of its Avro record, the graph may emit. A larger set would
     * fail the task's transaction again on every retry; the graph keeps it back, counts it in
     * {@value io.tether.streams.topology.internals.CouplingGraphProcessor#OVERSIZED_METRIC} and logs it, and the
     * table keeps the component's previous set. Absent: {@link #DEFAULT_MAX_SET_BYTES}.
     */
    public static final String MAX_SET_BYTES_CONFIG = "tether.max.set.bytes";
    /** Room a set's record needs beyond the set itself (key, headers, batch framing) under a record size limit. */
    public static final int SET_RECORD_HEADROOM_BYTES = 64 * 1024;
    /** The brokers' default record limit less that room: what a topic created without settings accepts. */
    public static final int DEFAULT_MAX_SET_BYTES = 1024 * 1024 - SET_RECORD_HEADROOM_BYTES;

    private MigrationSetTopology() {
    }

    public static Topology buildTopology(final TopologyOptions options) {
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<String> keys = Serdes.String();

        // 1. processes and attribution: the input topics are partitioned by host (HostPartitioner), so the task of
        //    an input partition holds its hosts' processes: the PID table is built there from exec/fork/exit and
        //    open/connect/accept are attributed against it (HostProcessesProcessor), with no repartition first.
        //    One source node reads all six topics (the deserialiser picks each record's class by its writer
        //    schema; HostEventReader checks it against the topic): every event passes here, so the fewer nodes
        //    the better
        final Map<EventType, String> inputTopics = Map.of(EventType.EXEC, options.execTopic(),
            EventType.FORK, options.forkTopic(), EventType.EXIT, options.exitTopic(), EventType.OPEN,
            options.openTopic(), EventType.CONNECT, options.connectTopic(), EventType.ACCEPT, options.acceptTopic());
        final HostEventSerde hostEvents = new HostEventSerde(inputTopics, options.serdeConfig());
        final AvroSerde<SpecificRecord> anyEvent = new AvroSerde<>();
        anyEvent.configure(options.serdeConfig(), false);
        final KStream<String, HostOutput> attributed = builder.stream(
                List.of(options.execTopic(), options.forkTopic(), options.exitTopic(), options.openTopic(),
                    options.connectTopic(), options.acceptTopic()),
                Consumed.with(keys, anyEvent).withName("input-source"))
            .processValues(() -> new HostEventReader(inputTopics), Named.as("host-event"))
            .process(hostProcessor(options, hostEvents), Named.as("host-processes"));

        // what could not be attributed within the grace goes to the DLQ as its input topic had it (Avro under the
        // input topic's subject), like the records Kafka Streams' own DLQ handler writes
        attributed.filter((k, v) -> v.givenUp() != null, Named.as("unattributed"))
            .mapValues(v -> hostEvents.eventBytes(v.givenUp()), Named.as("unattributed-event"))
            .to(options.dlqTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("unattributed-dlq"));

        // 2. processes and files: evidence for the graph, repeated opens coalesced first (FileEvidenceCoalescer)
        final KStream<String, GraphEvent> hostEvidence = attributed
            .filter((k, v) -> v.evidence() != null, Named.as("host-evidence"))
            .mapValues(HostOutput::evidence, Named.as("host-evidence-value"))
            .process(fileEvidenceCoalescer(options), Named.as("file-evidence-coalescer"));

        // 3. connections: both sides keyed by the connection, paired within the join window (ConnectionPairing)
        final KStream<String, GraphEvent> connectionEvidence = ConnectionPairing.connectionEvidence(attributed, options);

        // 4. the coupling graph: one task sees all evidence (see the class comment for the limit)
        final KStream<String, GraphOutput> outputs = hostEvidence
            .merge(connectionEvidence, Named.as("merge-connection-evidence"))
            .repartition(Repartitioned.<String, GraphEvent>as("graph-evidence")
                .withKeySerde(keys).withValueSerde(GraphEvent.SERDE).withNumberOfPartitions(1))
            .process(graphProcessor(options), Named.as("coupling-graph"));

        final Map<String, KStream<String, GraphOutput>> branches = outputs.split(Named.as("graph-output-"))
            .branch((k, v) -> v.isSet(), Branched.as("sets"))
            .defaultBranch(Branched.as("index"));

        // the graph encoded each set already (to hold back one too large to write): the sink writes those bytes;
        // the table below reads the topic with the Avro serde
        final Serde<MigrationSet> setSerde = avro(MigrationSet.class, options);
        final KStream<String, byte[]> sets = branches.get("graph-output-sets")
            .mapValues(GraphOutput::setRecord, Named.as("set-values"));
        sets.to(options.migrationSetsTopic(), Produced.with(keys, Serdes.ByteArray()).withName("migration-sets-sink"));
        // the query tables read the output topics back: the graph task re-keys (component id, ap), and tables
        // straight off its output would each need a repartition topic; the compacted topics are partitioned already.
        // The sets are the bulk of what the app writes: one versioned table answers both "now" (its latest value)
        // and "as of", and it restores from the output topic itself (REUSE_KTABLE_SOURCE_TOPICS below) instead of
        // writing every set twice more into changelogs. The topic keeps the history: see RequiredTopic#versionedTable
        builder.table(options.migrationSetsTopic(), Consumed.with(keys, setSerde).withName("migration-sets-source"),
            Materialized.<String, MigrationSet>as(Stores.persistentVersionedKeyValueStore(
                    StoreNames.MIGRATION_SETS_HISTORY, options.evidenceWindow()))
                .withKeySerde(keys).withValueSerde(setSerde));

        final KStream<String, String> index = branches.get("graph-output-index")
            .mapValues(GraphOutput::componentId, Named.as("index-values"));
        index.to(options.apIndexTopic(), Produced.with(keys, keys).withName("ap-index-sink"));
        final KStream<String, String> indexBack = builder.stream(options.apIndexTopic(),
            Consumed.with(keys, keys).withName("ap-index-source"));
        indexBack.toTable(Named.as("ap-index-table"),
            Materialized.<String, String>as(Stores.persistentKeyValueStore(StoreNames.AP_INDEX))
                .withKeySerde(keys).withValueSerde(keys));
        indexBack.toTable(Named.as("ap-index-history-table"),
            Materialized.<String, String>as(Stores.persistentVersionedKeyValueStore(
                    StoreNames.AP_INDEX_HISTORY, options.evidenceWindow()))
                .withKeySerde(keys).withValueSerde(keys));

        return builder.build(optimizations());
    }

    /**
     * The optimizations the topology is built with; {@link io.tether.streams.app.TetherConfig} runs the app with the
     * same, as Kafka Streams requires.
     */
    public static Properties optimizations() {
        final Properties props = new Properties();
        props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.REUSE_KTABLE_SOURCE_TOPICS);
        return props;
    }

    private static <T extends SpecificRecord> Serde<T> avro(final Class<T> type, final TopologyOptions options) {
        final AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(options.serdeConfig(), false);
        return serde;
    }

    private static ProcessorSupplier<String, HostEvent, String, HostOutput> hostProcessor(
            final TopologyOptions options, final HostEventSerde hostEvents) {
        final Duration grace = options.pidTableGrace();
        final Duration history = options.processHistory();
        return new ProcessorSupplier<>() {
            @Override
            public HostProcessesProcessor get() {
                return new HostProcessesProcessor(grace, history);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                    Stores.versionedKeyValueStoreBuilder(
                        Stores.persistentVersionedKeyValueStore(StoreNames.PROCESS_TABLE, history),
                        Serdes.String(), ProcessVersion.SERDE),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PENDING_FORKS),
                        Serdes.String(), Serdes.String()),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PENDING_EVENTS),
                        Serdes.String(), hostEvents).withCachingDisabled());
            }
        };
    }

    private static ProcessorSupplier<String, GraphEvent, String, GraphEvent> fileEvidenceCoalescer(
            final TopologyOptions options) {
        final Duration refresh = options.evidenceRefresh();
        final Duration retention = options.evidenceWindow().plus(options.evidenceLateness());
        return new ProcessorSupplier<>() {
            @Override
            public FileEvidenceCoalescer get() {
                return new FileEvidenceCoalescer(StoreNames.FILE_EVIDENCE_COALESCED, refresh, retention);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // cached: a file use is updated by every open, its changelog needs only the last value per commit
                return Set.of(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(StoreNames.FILE_EVIDENCE_COALESCED), Serdes.String(),
                    FileEvidenceCoalescer.CoalescedFileUse.SERDE).withCachingEnabled());
            }
        };
    }

    private static ProcessorSupplier<String, GraphEvent, String, GraphOutput> graphProcessor(
            final TopologyOptions options) {
        return new ProcessorSupplier<>() {
            @Override
            public CouplingGraphProcessor get() {
                return new CouplingGraphProcessor(options.evidenceWindow(), options.evidenceLateness(),
                    options.expiryInterval(), options.emitInterval(),
                    avro(MigrationSet.class, options).serializer(), options.migrationSetsTopic());
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // cached: evidence for the same edge is refreshed over and over; its changelog needs the last value
                // per commit only (the graph itself lives in memory, the store is for fail-over)
                return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.GRAPH_EVIDENCE),
                        Serdes.String(), GraphEvent.SERDE).withCachingEnabled(),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.GRAPH_EMITTED_INDEX),
                        Serdes.String(), Serdes.String()).withCachingEnabled());
            }
        };
    }
}
