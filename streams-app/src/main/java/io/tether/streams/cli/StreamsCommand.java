package io.tether.streams.cli;

import io.tether.streams.app.TetherConfig;
import io.tether.streams.app.TetherStreamsApp;
import io.tether.streams.app.TopicSetupException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tether streams}: runs one instance of the streams app and its HTTP API against an existing Kafka cluster
 * and schema registry. Run more instances with the same {@code application.id} to scale out.
 */
@Command(name = "streams", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Run the Kafka Streams app (migration sets) and its HTTP API against an existing cluster.",
        "Configuration, lowest precedence first: defaults, --config FILE, TETHER_* environment variables "
            + "(TETHER_BOOTSTRAP_SERVERS -> bootstrap.servers: drop TETHER_, lower-case, ___ -> -, __ -> _, _ -> .), "
            + "then the flags below. Any Kafka Streams or client key may be set in the file, the environment or with --set."},
    footer = {"", "Exit status: 0 after a clean stop, 1 when the app fails, 2 for bad flags or configuration."})
public final class StreamsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with Kafka Streams and Tether keys.")
    private Path configFile;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (bootstrap.servers).")
    private String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Schema registry URL (schema.registry.url).")
    private String registry;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of the HTTP API (http.port, default 8470; 0 = any free port).")
    private Integer httpPort;

    @Option(names = "--http-host", paramLabel = "ADDRESS", description = "Address the HTTP API binds to (http.host, default 0.0.0.0).")
    private String httpHost;

    @Option(names = "--advertised-host", paramLabel = "HOST",
        description = "Host other instances and clients reach this one by (http.advertised.host, default: host name).")
    private String advertisedHost;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application.id (default tether).")
    private String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Directory of the local state stores (state.dir).")
    private Path stateDir;

    @Option(names = "--standby-replicas", paramLabel = "N", description = "Standby copies of each store (num.standby.replicas, default 1).")
    private Integer standbyReplicas;

    @Option(names = "--evidence-window", paramLabel = "DURATION", converter = PositiveDurationConverter.class,
        description = "Event time after which coupling evidence expires (evidence.window.ms; e.g. 24h, 7d).")
    private Duration evidenceWindow;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", description = "Any configuration key, e.g. -D num.stream.threads=2.")
    private Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final TetherStreamsApp app;
        try {
            app = TetherStreamsApp.withTopology(TetherConfig.load(configFile, System.getenv(), overrides())).start();
        } catch (final ConfigException e) {
            err.println("tether streams: bad configuration: " + e.getMessage());
            return 2;
        } catch (final TopicSetupException e) {
            err.println("tether streams: " + e.getMessage());
            return 1;
        } catch (final RuntimeException e) {
            err.println("tether streams: cannot start: " + e.getMessage());
            return 1;
        }
        final Thread shutdown = new Thread(app::close, "tether-streams-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        out.println("tether streams: running; HTTP API on http://" + app.applicationServer().host() + ":" + app.httpPort()
            + "/api/v1 (Ctrl-C stops)");
        out.flush();
        final KafkaStreams.State state = app.awaitTermination();
        if (state == KafkaStreams.State.ERROR) {
            err.println("tether streams: the app failed (state ERROR); see the log");
            app.close();
            return 1;
        }
        return 0;
    }

    /** The flags as configuration keys; unset flags leave the key to the file and the environment. */
    Map<String, String> overrides() {
        final Map<String, String> keys = new HashMap<>(settings);
        put(keys, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        put(keys, TetherConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
        put(keys, TetherConfig.HTTP_PORT_CONFIG, httpPort);
        put(keys, TetherConfig.HTTP_HOST_CONFIG, httpHost);
        put(keys, TetherConfig.HTTP_ADVERTISED_HOST_CONFIG, advertisedHost);
        put(keys, StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        put(keys, StreamsConfig.STATE_DIR_CONFIG, stateDir);
        put(keys, StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        put(keys, TetherConfig.EVIDENCE_WINDOW_MS_CONFIG, evidenceWindow == null ? null : evidenceWindow.toMillis());
        return keys;
    }

    private static void put(final Map<String, String> keys, final String key, final Object value) {
        if (value != null) {
            keys.put(key, value.toString());
        }
    }

    public static void main(final String[] args) {
        System.exit(new CommandLine(new StreamsCommand()).execute(args));
    }
}
