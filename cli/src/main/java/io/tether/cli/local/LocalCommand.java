package io.tether.cli.local;

import io.tether.cli.UserException;
import io.tether.cli.internals.Converters.DurationConverter;
import io.tether.cli.internals.Converters.PortConverter;
import io.tether.cli.local.internals.DataDirLock;
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

    @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "24h",
            description = "Event-time window after which coupling evidence expires, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--no-collector", description = "Start the platform only; collectors join with 'tether collect'.")
    boolean noCollector;

    private final PrintStream out;

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
        final Deque<AutoCloseable> running = new ArrayDeque<>();
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
        running.push(DataDirLock.acquire(data));
        out.println("tether local: starting Kafka (KRaft, data in " + data.resolve("kafka") + ") ...");
        final LocalBroker broker = LocalBroker.start(data, LOOPBACK, kafkaPort, Ports.ephemeral(loopback));
        running.push(broker);
        broker.awaitReady();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            LocalTopics.ensure(admin);
        }

        final String registryUrl = null;
        missing.add("schema registry (module registry has not landed in this build)");
        missing.add("streams app + HTTP API (module streams-app has not landed in this build)");
        if (!noCollector) {
            missing.add("collector (module collector has not landed in this build)");
        }

        out.println(readyLine(broker.bootstrapServers(), registryUrl, null, data));
        for (final String m : missing) {
            out.println("  not available: " + m);
        }
        out.println(guide(broker.bootstrapServers(), registryUrl, null));
        out.flush();
        stopped.await();
        return 0;
    }

    static String readyLine(final String bootstrap, final String registryUrl, final String apiUrl, final Path data) {
        return "tether local ready: kafka=" + bootstrap
                + " registry=" + (registryUrl == null ? "(not available)" : registryUrl)
                + " api=" + (apiUrl == null ? "(not available)" : apiUrl + "/api/v1")
                + " page=" + (apiUrl == null ? "(not available)" : apiUrl + "/")
                + " data=" + data;
    }

    private static String guide(final String bootstrap, final String registryUrl, final String apiUrl) {
        final StringBuilder g = new StringBuilder();
        g.append("\n");
        if (apiUrl != null) {
            g.append("  Migration sets:   curl '").append(apiUrl).append("/api/v1/aps'\n");
            g.append("  The graph page:   ").append(apiUrl).append("/\n");
        }
        g.append("  Trace a command:  bin/tether run --bootstrap ").append(bootstrap)
                .append(registryUrl == null ? "" : " --registry " + registryUrl).append(" -- CMD ARGS\n");
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
