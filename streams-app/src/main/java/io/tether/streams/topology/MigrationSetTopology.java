package io.tether.streams.topology;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerde;
import io.tether.streams.topology.internals.Attribution;
import io.tether.streams.topology.internals.CouplingGraphProcessor;
import io.tether.streams.topology.internals.EagerAttributionProcessor;
import io.tether.streams.topology.internals.GraphEvent;
import io.tether.streams.topology.internals.GraphOutput;
import io.tether.streams.topology.internals.LifecycleEvent;
import io.tether.streams.topology.internals.ProcessLifecycleProcessor;
import io.tether.streams.topology.internals.ProcessVersion;
import io.tether.streams.topology.internals.SocketEvent;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The Tether topology (DESIGN.md §1–3): from exec/fork/exit/open/connect/accept events to the migration sets.
 *
 * <pre>
 * exec ┐                                           ┌─> process-table (versioned, hostId|pid → program)
 * fork ┼─> by host ─> process-lifecycle ─> versions ┤
 * exit ┘                                           └─> PROCESS evidence ─────────────────────────────┐
 * open ──────> attribution (eager lookup, pending) ─> FILE evidence ──────────────────────────────────┤
 * connect ───> attribution ─> by connection ┐                                                       ├─> graph
 * accept ────> attribution ─> by connection ┴─> outer join (window + grace) ─> CONNECTION / EXTERNAL ┘    │
 *   tether.migration-sets + migration-sets, migration-sets-history  <─ sets ─┬────────────────────────────┘
 *   tether.ap-index + ap-index, ap-index-history                     <─ index┘
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
    /** connect() errno meaning "in progress": a non-blocking connect that may still succeed. */
    private static final int EINPROGRESS = 115;

    private MigrationSetTopology() {
    }

    public static Topology buildTopology(final TopologyOptions options) {
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<String> keys = Serdes.String();

        final KStream<String, ExecEvent> exec = builder.stream(options.execTopic(),
            Consumed.with(keys, avro(ExecEvent.class, options)).withName("exec-source"));
        final KStream<String, ForkEvent> fork = builder.stream(options.forkTopic(),
            Consumed.with(keys, avro(ForkEvent.class, options)).withName("fork-source"));
        final KStream<String, ExitEvent> exit = builder.stream(options.exitTopic(),
            Consumed.with(keys, avro(ExitEvent.class, options)).withName("exit-source"));
        final KStream<String, OpenEvent> open = builder.stream(options.openTopic(),
            Consumed.with(keys, avro(OpenEvent.class, options)).withName("open-source"));
        final KStream<String, ConnectEvent> connect = builder.stream(options.connectTopic(),
            Consumed.with(keys, avro(ConnectEvent.class, options)).withName("connect-source"));
        final KStream<String, AcceptEvent> accept = builder.stream(options.acceptTopic(),
            Consumed.with(keys, avro(AcceptEvent.class, options)).withName("accept-source"));

        // 1. processes: one host's life cycle in one task, so that a fork finds its parent
        final KStream<String, ProcessVersion> versions = exec
            .mapValues(LifecycleEvent::of, Named.as("exec-lifecycle"))
            .merge(fork.mapValues(LifecycleEvent::of, Named.as("fork-lifecycle")), Named.as("merge-exec-fork"))
            .merge(exit.mapValues(LifecycleEvent::of, Named.as("exit-lifecycle")), Named.as("merge-exit"))
            .filter((k, v) -> v != null, Named.as("lifecycle-present"))
            .selectKey((k, v) -> v.hostId(), Named.as("lifecycle-by-host-key"))
            .repartition(Repartitioned.<String, LifecycleEvent>as("lifecycle-by-host")
                .withKeySerde(keys).withValueSerde(LifecycleEvent.SERDE))
            .process(lifecycleProcessor(options), Named.as("process-lifecycle"));

        // the table the attribution processors look up (they are co-partitioned with it: same hostId|pid key)
        versions
            .repartition(Repartitioned.<String, ProcessVersion>as("process-versions")
                .withKeySerde(keys).withValueSerde(ProcessVersion.SERDE))
            .toTable(Named.as("process-table"),
                Materialized.<String, ProcessVersion>as(Stores.persistentVersionedKeyValueStore(
                        StoreNames.PROCESS_TABLE, options.processHistory()))
                    .withKeySerde(keys).withValueSerde(ProcessVersion.SERDE));

        final KStream<String, GraphEvent> processEvidence = versions
            .filter((k, v) -> v != null, Named.as("process-started"))
            .map((k, v) -> KeyValue.pair(k, GraphEvent.process(hostOf(k), v.program(), pidOf(k), v.sourceMask(),
                v.timeMicros())), Named.as("process-evidence"));

        // 2. files: attribute each open at its event time, at once if its process is known
        final KStream<String, GraphEvent> fileEvidence = attributedOnly("open", attribution("open",
            options.openTopic(), open.filter((k, v) -> v != null && v.getSucceeded(), Named.as("open-succeeded")),
            OpenEvent::getHeader, MigrationSetTopology::attributedOpen, avro(OpenEvent.class, options), options));

        // 3. connections: both sides keyed by the connection, paired within the join window. A side given up
        //    unattributed still enters the join (see SocketEvent), so that it advances the join's stream time
        final KStream<String, SocketEvent> clients = attribution("connect", options.connectTopic(), connect
            .filter((k, v) -> v != null && (v.getError() == 0 || v.getError() == EINPROGRESS),
                Named.as("connect-succeeded")),
            ConnectEvent::getHeader, SocketEvent::of, avro(ConnectEvent.class, options), options)
            .mapValues(a -> a.isAttributed() ? a.attributed() : SocketEvent.of(a.unattributed(), null),
                Named.as("connect-sides"))
            .filter((k, v) -> v.serverEnd().isIp() || v.serverEnd().path() != null, Named.as("connect-addressed"))
            .selectKey((k, v) -> v.connectionKey(), Named.as("connect-by-connection-key"))
            .repartition(Repartitioned.<String, SocketEvent>as("connect-by-connection")
                .withKeySerde(keys).withValueSerde(SocketEvent.SERDE));
        final KStream<String, SocketEvent> servers = attribution("accept", options.acceptTopic(), accept
            .filter((k, v) -> v != null, Named.as("accept-present")),
            AcceptEvent::getHeader, SocketEvent::of, avro(AcceptEvent.class, options), options)
            .mapValues(a -> a.isAttributed() ? a.attributed() : SocketEvent.of(a.unattributed(), null),
                Named.as("accept-sides"))
            .filter((k, v) -> v.serverEnd().isIp() || v.serverEnd().path() != null, Named.as("accept-addressed"))
            .selectKey((k, v) -> v.connectionKey(), Named.as("accept-by-connection-key"))
            .repartition(Repartitioned.<String, SocketEvent>as("accept-by-connection")
                .withKeySerde(keys).withValueSerde(SocketEvent.SERDE));

        final KStream<String, GraphEvent> connectionEvidence = clients
            .outerJoin(servers, MigrationSetTopology::pair,
                JoinWindows.ofTimeDifferenceAndGrace(options.joinWindow(), options.joinGrace()),
                StreamJoined.<String, SocketEvent, SocketEvent>with(keys, SocketEvent.SERDE, SocketEvent.SERDE)
                    .withName("connection-join").withStoreName("connection-join"))
            .filter((k, v) -> v != null, Named.as("connection-evidence"));

        // 4. the coupling graph: one task sees all evidence (see the class comment for the limit)
        final KStream<String, GraphOutput> outputs = processEvidence
            .merge(fileEvidence, Named.as("merge-file-evidence"))
            .merge(connectionEvidence, Named.as("merge-connection-evidence"))
            .repartition(Repartitioned.<String, GraphEvent>as("graph-evidence")
                .withKeySerde(keys).withValueSerde(GraphEvent.SERDE).withNumberOfPartitions(1))
            .process(graphProcessor(options), Named.as("coupling-graph"));

        final Map<String, KStream<String, GraphOutput>> branches = outputs.split(Named.as("graph-output-"))
            .branch((k, v) -> v.isSet(), Branched.as("sets"))
            .defaultBranch(Branched.as("index"));

        final Serde<MigrationSet> setSerde = avro(MigrationSet.class, options);
        final KStream<String, MigrationSet> sets = branches.get("graph-output-sets")
            .mapValues(GraphOutput::set, Named.as("set-values"));
        sets.to(options.migrationSetsTopic(), Produced.with(keys, setSerde).withName("migration-sets-sink"));
        // the query tables read the output topics back: the graph task re-keys (component id, ap), and tables
        // straight off its output would each need a repartition topic; the compacted topics are partitioned already
        final KStream<String, MigrationSet> setsBack = builder.stream(options.migrationSetsTopic(),
            Consumed.with(keys, setSerde).withName("migration-sets-source"));
        setsBack.toTable(Named.as("migration-sets-table"),
            Materialized.<String, MigrationSet>as(Stores.persistentKeyValueStore(StoreNames.MIGRATION_SETS))
                .withKeySerde(keys).withValueSerde(setSerde));
        setsBack.toTable(Named.as("migration-sets-history-table"),
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

        return builder.build();
    }

    /** File evidence of an open; {@code process} is the event's own process instance (start time checked). */
    private static GraphEvent attributedOpen(final OpenEvent e, final ProcessVersion process) {
        return GraphEvent.file(e.getHeader().getHostId(), process.program(), e.getHeader().getPid(),
            1 << e.getHeader().getSource().ordinal(), e.getHeader().getTimeMicros(), e.getPath(),
            e.getMode() == io.tether.schemas.event.AccessMode.WRITE, Math.max(1, e.getCount()));
    }

    /**
     * Attributes the events of one type with an {@link EagerAttributionProcessor} (named {@code <type>-attribution},
     * store {@code <type>-attribution-pending}). Events given up after the grace go to the DLQ topic with the reason
     * in a header; the returned stream has both outcomes.
     */
    private static <E extends SpecificRecord, R> KStream<String, Attribution<E, R>> attribution(final String type,
            final String inputTopic, final KStream<String, E> events, final Function<E, EventHeader> header,
            final BiFunction<E, ProcessVersion, R> attribute, final Serde<E> eventSerde,
            final TopologyOptions options) {
        final Duration grace = options.pidTableGrace();
        final Duration retry = options.attributionRetryInterval();
        final ProcessorSupplier<String, E, String, Attribution<E, R>> supplier = new ProcessorSupplier<>() {
            @Override
            public EagerAttributionProcessor<E, R> get() {
                return new EagerAttributionProcessor<>(type, header, attribute, grace, retry);
            }

            @Override
            public java.util.Set<StoreBuilder<?>> stores() {
                return java.util.Set.of(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(EagerAttributionProcessor.pendingStoreName(type)),
                    Serdes.String(), eventSerde).withCachingDisabled());
            }
        };
        final KStream<String, Attribution<E, R>> outcomes = events.process(supplier,
            Named.as(type + "-attribution"), StoreNames.PROCESS_TABLE);
        // the DLQ carries the event as its input topic had it (Avro under the input topic's subject), like the
        // records Kafka Streams' own DLQ handler writes: one DLQ subject cannot hold several event schemas
        outcomes.filterNot((k, v) -> v.isAttributed(), Named.as(type + "-unattributed"))
            .mapValues(v -> eventSerde.serializer().serialize(inputTopic, v.unattributed()),
                Named.as(type + "-unattributed-event"))
            .to(options.dlqTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())
                .withName(type + "-unattributed-dlq"));
        return outcomes;
    }

    private static <E, R> KStream<String, R> attributedOnly(final String type,
            final KStream<String, Attribution<E, R>> outcomes) {
        return outcomes.filter((k, v) -> v.isAttributed(), Named.as(type + "-attributed"))
            .mapValues(Attribution::attributed, Named.as(type + "-attributed-value"));
    }

    /** Joins the two sides of a connection; one side alone (after the window) is an EXTERNAL endpoint. */
    private static GraphEvent pair(final SocketEvent client, final SocketEvent server) {
        final boolean c = client != null && client.attributed();
        final boolean s = server != null && server.attributed();
        if (c && s) {
            return GraphEvent.connection(client, server);
        }
        if (c) {
            return GraphEvent.external(client);
        }
        if (s) {
            return GraphEvent.external(server);
        }
        return null;
    }

    private static String hostOf(final String processKey) {
        return io.tether.schemas.identity.ProcessKey.hostId(processKey);
    }

    private static int pidOf(final String processKey) {
        return io.tether.schemas.identity.ProcessKey.pid(processKey);
    }

    private static <T extends SpecificRecord> Serde<T> avro(final Class<T> type, final TopologyOptions options) {
        final AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(options.serdeConfig(), false);
        return serde;
    }

    private static ProcessorSupplier<String, LifecycleEvent, String, ProcessVersion> lifecycleProcessor(
            final TopologyOptions options) {
        final Duration history = options.processHistory();
        return new ProcessorSupplier<>() {
            @Override
            public ProcessLifecycleProcessor get() {
                return new ProcessLifecycleProcessor(history);
            }

            @Override
            public java.util.Set<StoreBuilder<?>> stores() {
                return java.util.Set.of(
                    Stores.versionedKeyValueStoreBuilder(
                        Stores.persistentVersionedKeyValueStore(StoreNames.PROCESS_PROGRAMS, history),
                        Serdes.String(), ProcessVersion.SERDE),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PENDING_FORKS),
                        Serdes.String(), Serdes.String()));
            }
        };
    }

    private static ProcessorSupplier<String, GraphEvent, String, GraphOutput> graphProcessor(
            final TopologyOptions options) {
        return new ProcessorSupplier<>() {
            @Override
            public CouplingGraphProcessor get() {
                return new CouplingGraphProcessor(options.evidenceWindow(), options.evidenceLateness(),
                    options.expiryInterval(), options.emitInterval());
            }

            @Override
            public java.util.Set<StoreBuilder<?>> stores() {
                return java.util.Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.GRAPH_EVIDENCE),
                        Serdes.String(), GraphEvent.SERDE).withCachingDisabled(),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.GRAPH_EMITTED_INDEX),
                        Serdes.String(), Serdes.String()));
            }
        };
    }
}
