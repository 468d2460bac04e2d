package io.tether.registry;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.tether.registry.internals.LogRecordCodec;
import io.tether.registry.internals.RegistryService;
import io.tether.registry.internals.RestApi;
import io.tether.registry.internals.SchemaStore;
import io.tether.registry.internals.SchemasTopic;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible Avro Schema Registry whose only storage is a compacted Kafka topic ({@code _schemas}).
 * Several instances may share one topic: they agree on every id and version (see {@code SchemasTopic}).
 *
 * <pre>
 * try (SchemaRegistryServer registry = SchemaRegistryServer.start("localhost:9092", 0)) {
 *     String url = registry.url(); // http://127.0.0.1:port, for schema.registry.url
 * }
 * </pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final SchemaRegistryConfig config;
    private final SchemasTopic topic;
    private final Javalin http;

    private SchemaRegistryServer(final SchemaRegistryConfig config, final SchemasTopic topic, final Javalin http) {
        this.config = config;
        this.topic = topic;
        this.http = http;
    }

    /** Starts a registry on loopback with the defaults of {@link SchemaRegistryConfig#of(String, int)}. */
    public static SchemaRegistryServer start(final String bootstrapServers, final int port) {
        return start(SchemaRegistryConfig.of(bootstrapServers, port));
    }

    /**
     * Reads the schemas topic (creating it when missing), then starts serving HTTP.
     *
     * @throws IllegalStateException when Kafka cannot be reached in time or the port cannot be bound
     */
    public static SchemaRegistryServer start(final SchemaRegistryConfig config) {
        final ObjectMapper mapper = new ObjectMapper();
        final LogRecordCodec codec = new LogRecordCodec(mapper);
        final SchemaStore store = new SchemaStore();
        final SchemasTopic topic = SchemasTopic.open(config, codec, store);
        final RegistryService service = new RegistryService(store, topic, codec, config.timeout());
        final Javalin http = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.startupWatcherEnabled = false;
            javalin.http.defaultContentType = RestApi.CONTENT_TYPE;
            javalin.jetty.threadPool = new QueuedThreadPool(32, 2, 60_000);
        });
        new RestApi(service, mapper).install(http);
        try {
            http.start(config.host(), config.port());
        } catch (final RuntimeException e) {
            http.stop();
            topic.close();
            throw new IllegalStateException("cannot serve HTTP on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        final SchemaRegistryServer server = new SchemaRegistryServer(config, topic, http);
        LOG.info("Schema registry listening on {} (schemas in topic {} on {})", server.url(), config.topic(),
                config.bootstrapServers());
        return server;
    }

    /** Base URL for {@code schema.registry.url}, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        final String host = "0.0.0.0".equals(config.host()) ? "127.0.0.1" : config.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** The bound HTTP port (the actual one when started with port 0). */
    public int port() {
        return http.port();
    }

    public SchemaRegistryConfig config() {
        return config;
    }

    @Override
    public void close() {
        http.stop();
        topic.close();
    }

    /**
     * Standalone use: {@code SchemaRegistryServer --bootstrap-servers HOST:PORT [--port 8081] [--host 0.0.0.0]
     * [--topic _schemas] [--replication-factor N] [--timeout-seconds 30]}.
     */
    public static void main(final String[] args) {
        final SchemaRegistryConfig config;
        try {
            config = parseArgs(args);
        } catch (final IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: SchemaRegistryServer --bootstrap-servers HOST:PORT [--port 8081] [--host 127.0.0.1]"
                    + " [--topic _schemas] [--replication-factor N] [--timeout-seconds 30]");
            System.exit(2);
            return;
        }
        final SchemaRegistryServer server;
        try {
            server = start(config);
        } catch (final IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("Schema registry listening on " + server.url());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tether-registry-shutdown"));
    }

    static SchemaRegistryConfig parseArgs(final String[] args) {
        String bootstrap = null;
        String host = SchemaRegistryConfig.DEFAULT_HOST;
        int port = 8081;
        String topicName = io.tether.schemas.Topics.SCHEMAS;
        Optional<Short> replicationFactor = Optional.empty();
        Duration timeout = SchemaRegistryConfig.DEFAULT_TIMEOUT;
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            final String value = args[++i];
            switch (flag) {
                case "--bootstrap-servers" -> bootstrap = value;
                case "--host" -> host = value;
                case "--port" -> port = parseInt(flag, value);
                case "--topic" -> topicName = value;
                case "--replication-factor" -> replicationFactor = Optional.of((short) parseInt(flag, value));
                case "--timeout-seconds" -> timeout = Duration.ofSeconds(parseInt(flag, value));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        return new SchemaRegistryConfig(bootstrap, host, port, topicName, replicationFactor, timeout);
    }

    private static int parseInt(final String flag, final String value) {
        try {
            return Integer.parseInt(value);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
        }
    }
}
