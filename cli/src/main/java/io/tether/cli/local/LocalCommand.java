package io.tether.cli.local;

import io.tether.cli.UserException;
import io.tether.cli.internals.Converters.PositiveDurationConverter;
import io.tether.cli.internals.Converters.PortConverter;
import io.tether.cli.local.internals.DataDirLock;
import io.tether.cli.local.internals.LocalLogs;
import io.tether.collector.Collector;
import io.tether.collector.CollectorConfig;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.schemas.serde.SchemaRegistryClient;
import io.tether.schemas.serde.SchemaRegistryClients;
import io.tether.schemas.serde.Subjects;
import io.tether.streams.app.TetherStreamsApp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import io.tether.cli.local.internals.Ports;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tether local}: the embedded default (DESIGN.md §5). Starts, in one process tree, a real KRaft broker (child
 * JVM), the schema registry, the streams app with its HTTP API and a collector for this machine; prints one line
 * with every endpoint when all is ready; stops everything on Ctrl-C or SIGTERM. Everything persists under
 * {@code --data-dir}, so a second start resumes where the first stopped.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run Kafka, the schema registry, the streams app + HTTP API and a collector on this machine.")
public final class LocalCommand implements Callable<Integer> {
    static final String LOOPBACK = "127.0.0.1";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the broker, registry and streams state live (default: ${DEFAULT-VALUE}).")
    Path dataDir = defaultDataDir();

    @Option(names = "--kafka-port", paramLabel = "PORT", converter = PortConverter.class, defaultValue = "9092",
            description = "Kafka listener port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "PORT", converter = PortConverter.class, defaultValue = "8081",
            description = "Schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--http-port", paramLabel = "PORT", converter = PortConverter.class, defaultValue = "8470",
            description = "HTTP API and page port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--host-id", paramLabel = "ID",
            description = "Host id of this machine's collector (default: the hostname).")
    String hostId;

    @Option(names = "--window", paramLabel = "DURATION", converter = PositiveDurationConverter.class, defaultValue = "24h",
            description = "Event-time window after which coupling evidence expires, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--no-collector", description = "Start the platform only; collectors join with 'tether collect'.")
    boolean noCollector;

    private static final Duration STREAMS_READY_TIMEOUT = Duration.ofMinutes(3);

    private final PrintStream out;
    private String guideHost;

    public LocalCommand() {
        this(System.out);
    }

    LocalCommand(final PrintStream out) {
        this.out = out;
    }

    static Path defaultDataDir() {
        final String home = System.getenv("TETHER_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".tether");
    }

    @Override
    public Integer call() throws Exception {
        final InetAddress loopback = InetAddress.getByName(LOOPBACK);
        // 0 means "any free port": resolve it now so the advertised listener and the ready line name a real port
        kafkaPort = kafkaPort == 0 ? Ports.ephemeral(loopback) : kafkaPort;
        registryPort = registryPort == 0 ? Ports.ephemeral(loopback) : registryPort;
        httpPort = httpPort == 0 ? Ports.ephemeral(loopback) : httpPort;
        checkPort(loopback, kafkaPort, "--kafka-port", "Kafka");
        checkPort(loopback, registryPort, "--registry-port", "the schema registry");
        checkPort(loopback, httpPort, "--http-port", "the HTTP API");
        if (kafkaPort == registryPort || kafkaPort == httpPort || registryPort == httpPort) {
            throw new UserException("--kafka-port, --registry-port and --http-port must differ (got "
                    + kafkaPort + ", " + registryPort + ", " + httpPort + ")", 2, null);
        }
        final Path data = dataDir.toAbsolutePath().normalize();
        // before anything starts (and before the stop hook, which then has nothing to say): a data dir that cannot be
        // used, or that another tether local holds, ends here with one line
        final DataDirLock lock = DataDirLock.acquire(data);
        final Deque<AutoCloseable> running = new ArrayDeque<>();
        running.push(lock);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread shutdown = new Thread(() -> {
            out.println("tether local: stopping ...");
            stopAll(running);
            out.println("tether local: stopped");
            out.flush();
            stopped.countDown();
        }, "tether-local-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        final List<String> missing = new ArrayList<>();
        out.println("tether local: starting Kafka (KRaft, data in " + data.resolve("kafka") + ") ...");
        final LocalBroker broker = LocalBroker.start(data, LOOPBACK, kafkaPort, Ports.ephemeral(loopback));
        running.push(broker);
        broker.awaitReady();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            LocalTopics.ensure(admin, window);
        }

        LocalLogs.toFile(data.resolve("logs").resolve("tether.log"));
        out.println("tether local: starting the schema registry ...");
        final SchemaRegistryServer registry = startRegistry(broker.bootstrapServers());
        running.push(registry);
        final String registryUrl = registry.url();

        out.println("tether local: starting the streams app and its HTTP API ...");
        final TetherStreamsApp streams = startStreams(broker.bootstrapServers(), registryUrl, data);
        running.push(streams);
        final String apiUrl = "http://" + LOOPBACK + ":" + streams.httpPort();
        awaitRunning(streams, apiUrl);

        String collectorLine = "collector=(off: --no-collector)";
        if (!noCollector) {
            final String host = hostId != null ? hostId : defaultHostId();
            final Collector collector = startCollector(host, broker.bootstrapServers(), registryUrl, data);
            running.push(collector);
            // the collector's counters (seen, spooled, sent, dropped: DESIGN.md §4) beside the streams app's on the
            // one /metrics of tether local; a collector of its own ('tether collect') serves them on --metrics-port
            collector.metrics().bindTo(streams.metrics(), host);
            collectorLine = "collector=" + host;
            guideHost = host;
            if (ProbeLibrary.locate().isEmpty()) {
                missing.add("the probe library (" + ProbeLibrary.FILE_NAME + ") was not built (needs gcc), so 'tether run'"
                        + " cannot trace commands; the /proc scanner still reports running programs");
            }
        }
        out.println(readyLine(broker.bootstrapServers(), registryUrl, apiUrl, data) + " " + collectorLine);
        for (final String m : missing) {
            out.println("  not available: " + m);
        }
        out.println(guide(broker.bootstrapServers(), registryUrl, apiUrl));
        out.flush();
        stopped.await();
        return 0;
    }

    private SchemaRegistryServer startRegistry(final String bootstrap) {
        try {
            return SchemaRegistryServer.start(bootstrap, registryPort);
        } catch (final IllegalStateException e) {
            throw new UserException("the schema registry did not start on port " + registryPort + " (--registry-port): "
                    + e.getMessage(), e);
        }
    }

    private TetherStreamsApp startStreams(final String bootstrap, final String registryUrl, final Path data) {
        try {
            return new EmbeddedStreams(bootstrap, registryUrl, httpPort, data.resolve("streams"), "tether", "", window).start();
        } catch (final KafkaException e) {
            throw new UserException("the streams app did not start: " + e.getMessage(), e);
        }
    }

    private static void awaitRunning(final TetherStreamsApp streams, final String apiUrl) throws InterruptedException {
        final long deadline = System.nanoTime() + STREAMS_READY_TIMEOUT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new UserException("the streams app stopped while starting (state " + streams.state()
                        + "); see the log in the data dir's logs/tether.log");
            }
            if (System.nanoTime() > deadline) {
                throw new UserException("the streams app did not reach RUNNING within " + STREAMS_READY_TIMEOUT.toSeconds()
                        + " s (state " + streams.state() + "); " + apiUrl + "/health tells when it does");
            }
            Thread.sleep(200);
        }
    }

    private Collector startCollector(final String host, final String bootstrap, final String registryUrl, final Path data) {
        try {
            // the probe channel stays in the collector's default directory, so that 'tether run --host-id H' finds
            // it without further flags; the spool is state and lives in the data dir
            final SchemaRegistryClient registry = SchemaRegistryClients.create(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
            return Collector.start(CollectorConfig.of(host, bootstrap, registryUrl)
                    .withSpoolDir(data.resolve("spool").resolve(host)),
                    (topic, schema) -> registry.register(Subjects.forTopic(topic, false), schema));
        } catch (final RuntimeException e) {
            throw new UserException("the collector for host " + host + " did not start: " + e.getMessage(), e);
        }
    }

    static String defaultHostId() {
        try {
            final String name = InetAddress.getLocalHost().getHostName();
            final int dot = name.indexOf('.');
            return dot > 0 ? name.substring(0, dot) : name;
        } catch (final java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    static String readyLine(final String bootstrap, final String registryUrl, final String apiUrl, final Path data) {
        return "tether local ready: kafka=" + bootstrap
                + " registry=" + (registryUrl == null ? "(not available)" : registryUrl)
                + " api=" + (apiUrl == null ? "(not available)" : apiUrl + "/api/v1")
                + " page=" + (apiUrl == null ? "(not available)" : apiUrl + "/")
                + " data=" + data;
    }

    private String guide(final String bootstrap, final String registryUrl, final String apiUrl) {
        final StringBuilder g = new StringBuilder();
        g.append("\n");
        if (apiUrl != null) {
            g.append("  Migration sets:   curl '").append(apiUrl).append("/api/v1/aps'\n");
            g.append("  The graph page:   ").append(apiUrl).append("/\n");
        }
        if (guideHost != null) {
            g.append("  Trace a command:  bin/tether run --host-id ").append(guideHost).append(" -- CMD ARGS\n");
        } else {
            g.append("  Add a host:       bin/tether collect --host-id H --bootstrap ").append(bootstrap)
                    .append(" --registry ").append(registryUrl).append('\n');
        }
        g.append("  A demo workload:  bin/tether demo   (three hosts as network namespaces)\n");
        g.append("  Follow changes:   bin/tether watch --bootstrap ").append(bootstrap).append('\n');
        g.append("  Stop:             Ctrl-C (state is kept in the data dir)\n");
        return g.toString();
    }

    private static void checkPort(final InetAddress host, final int port, final String option, final String what) {
        if (port != 0 && !Ports.isFree(host, port)) {
            throw new UserException("port " + port + " (" + option + ", " + what + ") is already in use on "
                    + host.getHostAddress() + "; stop what uses it or pick another with " + option + " PORT");
        }
    }

    private void stopAll(final Deque<AutoCloseable> running) {
        while (!running.isEmpty()) {
            final AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (final Exception e) {
                out.println("tether local: stopping " + c.getClass().getSimpleName() + " failed: " + e.getMessage());
            }
        }
    }

}
