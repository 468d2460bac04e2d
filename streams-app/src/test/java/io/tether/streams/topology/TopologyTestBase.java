package io.tether.streams.topology;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link TopologyTestDriver} per test, with its own state directory and its own in-memory schema registry scope.
 * Helpers produce the events a collector would publish, keyed {@code hostId|pid}, timestamped with their event time.
 */
abstract class TopologyTestBase {
    /** An arbitrary epoch for event times, in milliseconds. */
    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path stateDir;

    TopologyOptions options;
    TopologyTestDriver driver;
    private Map<String, Object> serdeConfig;
    private TestInputTopic<String, ExecEvent> execIn;
    private TestInputTopic<String, ForkEvent> forkIn;
    private TestInputTopic<String, ExitEvent> exitIn;
    private TestInputTopic<String, OpenEvent> openIn;
    private TestInputTopic<String, ConnectEvent> connectIn;
    private TestInputTopic<String, AcceptEvent> acceptIn;
    private long sequence;
    private int tickPort = 10_000;

    /** Windows small enough for tests to step over, large enough to show grace at work. */
    TopologyOptions.Builder optionsFor(final String registryScope) {
        return TopologyOptions.builder()
            .serdeConfig("schema.registry.url", "mock://" + registryScope)
            .evidenceWindow(Duration.ofHours(1))
            .joinWindow(Duration.ofSeconds(10))
            .joinGrace(Duration.ofSeconds(5))
            .pidTableGrace(Duration.ofSeconds(5))
            .expiryInterval(Duration.ofSeconds(1));
    }

    @BeforeEach
    void startDriver() {
        options = optionsFor("topology-" + UUID.randomUUID()).build();
        driver = newDriver(options, stateDir.resolve("driver-" + UUID.randomUUID()));
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Replaces the current driver by a fresh application on a fresh state directory. */
    TopologyTestDriver restartFresh() {
        driver.close();
        driver = newDriver(options, stateDir.resolve("driver-" + UUID.randomUUID()));
        return driver;
    }

    private TopologyTestDriver newDriver(final TopologyOptions opts, final Path dir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tether-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        final TopologyTestDriver d = new TopologyTestDriver(MigrationSetTopology.buildTopology(opts), props,
            Instant.ofEpochMilli(T0));
        serdeConfig = opts.serdeConfig();
        execIn = d.createInputTopic(opts.execTopic(), Serdes.String().serializer(),
            avro(ExecEvent.class).serializer());
        forkIn = d.createInputTopic(opts.forkTopic(), Serdes.String().serializer(),
            avro(ForkEvent.class).serializer());
        exitIn = d.createInputTopic(opts.exitTopic(), Serdes.String().serializer(),
            avro(ExitEvent.class).serializer());
        openIn = d.createInputTopic(opts.openTopic(), Serdes.String().serializer(),
            avro(OpenEvent.class).serializer());
        connectIn = d.createInputTopic(opts.connectTopic(), Serdes.String().serializer(),
            avro(ConnectEvent.class).serializer());
        acceptIn = d.createInputTopic(opts.acceptTopic(), Serdes.String().serializer(),
            avro(AcceptEvent.class).serializer());
        return d;
    }

    <T extends SpecificRecord> Serde<T> avro(final Class<T> type) {
        final AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(serdeConfig, false);
        return serde;
    }

    // ------------------------------------------------------------------ events

    /** A process instance on a host: pid plus start time (ms after T0). */
    record Proc(String host, int pid, long start) {
        String key() {
            return ProcessKey.of(host, pid);
        }
    }

    static Proc proc(final String host, final int pid, final long startMillis) {
        return new Proc(host, pid, startMillis);
    }

    private EventHeader header(final Proc p, final long atMillis) {
        return EventHeader.newBuilder().setHostId(p.host).setPid(p.pid).setStartTime((T0 + p.start) * 1000L)
            .setPpid(0).setUid(1000).setTimeMicros((T0 + atMillis) * 1000L).setSource(CaptureSource.PROBE)
            .setSequence(sequence++).setCollectorRun("test").build();
    }

    void exec(final Proc p, final long atMillis, final String program) {
        execIn.pipeInput(p.key(), ExecEvent.newBuilder().setHeader(header(p, atMillis)).setExecutable(program)
            .setArgv(List.of(program)).setProgram(program).build(), T0 + atMillis);
    }

    void fork(final Proc child, final Proc parent, final long atMillis) {
        forkIn.pipeInput(child.key(), ForkEvent.newBuilder().setHeader(header(child, atMillis))
            .setParentPid(parent.pid).setParentStartTime((T0 + parent.start) * 1000L).build(), T0 + atMillis);
    }

    void exit(final Proc p, final long atMillis) {
        exitIn.pipeInput(p.key(), ExitEvent.newBuilder().setHeader(header(p, atMillis)).setExitCode(0).build(),
            T0 + atMillis);
    }

    void open(final Proc p, final long atMillis, final String path, final AccessMode mode) {
        openIn.pipeInput(p.key(), OpenEvent.newBuilder().setHeader(header(p, atMillis)).setPath(path)
            .setFlags(mode == AccessMode.WRITE ? 2 : 0).setMode(mode).build(), T0 + atMillis);
    }

    void connect(final Proc p, final long atMillis, final String localIp, final int localPort,
                 final String serverIp, final int serverPort) {
        connectIn.pipeInput(p.key(), ConnectEvent.newBuilder().setHeader(header(p, atMillis))
            .setProtocol(Protocol.TCP).setLocal(address(localIp, localPort)).setRemote(address(serverIp, serverPort))
            .build(), T0 + atMillis);
    }

    void accept(final Proc p, final long atMillis, final String localIp, final int localPort,
                final String clientIp, final int clientPort) {
        acceptIn.pipeInput(p.key(), AcceptEvent.newBuilder().setHeader(header(p, atMillis))
            .setProtocol(Protocol.TCP).setLocal(address(localIp, localPort)).setRemote(address(clientIp, clientPort))
            .build(), T0 + atMillis);
    }

    static SocketAddress address(final String ip, final int port) {
        return SocketAddress.newBuilder().setIp(ip).setPort(port).build();
    }

    /**
     * Moves every join's stream time to {@code atMillis} with events from an unknown process (never attributed,
     * never paired, so they leave no evidence), so that buffered events are attributed and unpaired connection
     * sides close; then lets wall-clock time pass so the graph emits what changed.
     */
    void settle(final long atMillis) {
        final Proc clock = proc("clock-host", 1, 0);
        final long grace = options.pidTableGrace().toMillis();
        for (final long t : new long[] {atMillis, atMillis + grace + 1}) {
            open(clock, t, "/tick", AccessMode.READ);
            final int port = tickPort++;
            connect(clock, t, "203.0.113.1", port, "203.0.113.2", port);
            accept(clock, t, "203.0.113.3", port, "203.0.113.4", port);
        }
        flush();
    }

    /** Long enough after {@code atMillis} for every join to have released what happened until then. */
    long settled(final long atMillis) {
        return atMillis + options.pidTableGrace().toMillis() + options.joinWindow().toMillis()
            + options.joinGrace().toMillis() + 1;
    }

    void flush() {
        driver.advanceWallClockTime(options.emitInterval().plusMillis(1));
    }

    // ------------------------------------------------------------------ reading the result

    /** The latest migration set of a component (the query table is versioned), or null. */
    MigrationSet set(final String componentId) {
        final VersionedKeyValueStore<String, MigrationSet> sets =
            driver.getVersionedKeyValueStore(StoreNames.MIGRATION_SETS_HISTORY);
        final VersionedRecord<MigrationSet> latest = sets.get(componentId);
        return latest == null ? null : latest.value();
    }

    KeyValueStore<String, String> apIndex() {
        return driver.getKeyValueStore(StoreNames.AP_INDEX);
    }

    /** The migration set of an AP, or null when the AP is not in the graph. */
    MigrationSet setOf(final String ap) {
        final String component = apIndex().get(ap);
        return component == null ? null : set(component);
    }

    static List<String> apps(final MigrationSet set) {
        return set.getApps().stream().map(a -> a.getAp()).collect(Collectors.toList());
    }

    /** Files as {@code host:path=TRANSFER}. */
    static List<String> files(final MigrationSet set) {
        return set.getFiles().stream().map(TopologyTestBase::describe).collect(Collectors.toList());
    }

    static String describe(final FileMember f) {
        return f.getHost() + ":" + f.getPath() + "=" + f.getTransfer();
    }
}
