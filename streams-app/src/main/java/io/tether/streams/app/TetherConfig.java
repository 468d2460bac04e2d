package io.tether.streams.app;

import io.tether.schemas.Topics;
import io.tether.streams.topology.TopologyOptions;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration of the streams app, in Kafka's style: a properties file whose keys are Kafka Streams / client keys
 * plus Tether's own (below), each overridable by an environment variable.
 *
 * <p><b>Environment variables.</b> {@code TETHER_<KEY>} sets {@code <key>}: drop the prefix, lower-case, then
 * {@code ___} becomes {@code -}, {@code __} becomes {@code _} and {@code _} becomes {@code .} (Confluent's convention),
 * e.g. {@code TETHER_BOOTSTRAP_SERVERS} → {@code bootstrap.servers}, {@code TETHER_NUM_STANDBY_REPLICAS} →
 * {@code num.standby.replicas}, {@code TETHER_ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME} →
 * {@code errors.dead.letter.queue.topic.name}, {@code TETHER_EVIDENCE_WINDOW_MS} → {@code evidence.window.ms}.
 * The launcher's own variables ({@link #LAUNCHER_VARIABLES}) are not keys.
 *
 * <p><b>Tether's keys</b> ({@link #CONFIG}; they configure the topology and the HTTP API and are not passed to
 * Kafka's clients): {@code bootstrap.servers} and {@code schema.registry.url} (required), {@code http.host},
 * {@code http.port}, {@code http.advertised.host}, {@code http.forward.timeout.ms}, {@code evidence.window.ms},
 * {@code join.window.ms}, {@code join.grace.ms}, {@code pid.table.grace.ms}, and the topic names
 * {@code exec.topic}, {@code fork.topic}, {@code exit.topic}, {@code open.topic}, {@code connect.topic},
 * {@code accept.topic}, {@code migration.sets.topic}, {@code ap.index.topic}.
 *
 * <p><b>Precedence</b>, lowest first: defaults, the file, the environment, explicit overrides (command-line flags).
 *
 * <p><b>Defaults that differ from Kafka's:</b> {@code application.id=tether},
 * {@code processing.guarantee=exactly_once_v2}, {@code num.standby.replicas=1} (a stopped instance's sets stay
 * queryable from a standby), {@code state.dir=<tmp>/tether-streams}, and the exception handlers: records that cannot
 * be deserialised, processed or produced go to {@code errors.dead.letter.queue.topic.name} (default
 * {@code tether.dlq}) and processing continues. {@code application.server} defaults to
 * {@code http.advertised.host:<bound http port>}.
 */
public final class TetherConfig extends AbstractConfig {

    public static final String ENV_PREFIX = "TETHER_";
    /** Variables the {@code bin/tether} launcher reads for itself; they are not configuration keys. */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("TETHER_HOME", "TETHER_OPTS", "TETHER_JAVA_OPTS", "TETHER_CLASSPATH");

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    public static final String HTTP_HOST_CONFIG = "http.host";
    public static final String HTTP_PORT_CONFIG = "http.port";
    public static final String HTTP_ADVERTISED_HOST_CONFIG = "http.advertised.host";
    public static final String HTTP_FORWARD_TIMEOUT_MS_CONFIG = "http.forward.timeout.ms";
    public static final String EVIDENCE_WINDOW_MS_CONFIG = "evidence.window.ms";
    public static final String JOIN_WINDOW_MS_CONFIG = "join.window.ms";
    public static final String JOIN_GRACE_MS_CONFIG = "join.grace.ms";
    public static final String PID_TABLE_GRACE_MS_CONFIG = "pid.table.grace.ms";
    public static final String EVIDENCE_REFRESH_MS_CONFIG = "evidence.refresh.ms";
    public static final String EXEC_TOPIC_CONFIG = "exec.topic";
    public static final String FORK_TOPIC_CONFIG = "fork.topic";
    public static final String EXIT_TOPIC_CONFIG = "exit.topic";
    public static final String OPEN_TOPIC_CONFIG = "open.topic";
    public static final String CONNECT_TOPIC_CONFIG = "connect.topic";
    public static final String ACCEPT_TOPIC_CONFIG = "accept.topic";
    public static final String MIGRATION_SETS_TOPIC_CONFIG = "migration.sets.topic";
    public static final String AP_INDEX_TOPIC_CONFIG = "ap.index.topic";

    public static final String DEFAULT_APPLICATION_ID = "tether";
    public static final String DEFAULT_DLQ_TOPIC = "tether.dlq";
    public static final int DEFAULT_HTTP_PORT = 8470;
    public static final long DEFAULT_EVIDENCE_WINDOW_MS = 24L * 60 * 60 * 1000;

    /** Tether's own keys; everything else is handed to Kafka Streams, which validates it in turn. */
    public static final ConfigDef CONFIG = new ConfigDef()
        .define(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
            ConfigDef.CompositeValidator.of(new ConfigDef.NonNullValidator(), nonEmptyList()), Importance.HIGH,
            "Kafka brokers to bootstrap from, host:port[,host:port...].")
        .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new RegistryUrlValidator(), Importance.HIGH,
            "Schema registry (Confluent REST API) the Avro serdes use: http(s)://host:port, or mock://scope in tests.")
        .define(HTTP_HOST_CONFIG, Type.STRING, "0.0.0.0", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
            "Address the HTTP API binds to.")
        .define(HTTP_PORT_CONFIG, Type.INT, DEFAULT_HTTP_PORT, ConfigDef.Range.between(0, 65535), Importance.HIGH,
            "Port of the HTTP API; 0 picks a free port.")
        .define(HTTP_ADVERTISED_HOST_CONFIG, Type.STRING, null, Importance.MEDIUM,
            "Host name other instances and clients reach this instance's HTTP API by; default: this machine's host name. "
                + "Together with the bound port it forms application.server unless that is set explicitly.")
        .define(HTTP_FORWARD_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
            "How long a query forwarded to the instance that owns the key may take.")
        .define(EVIDENCE_WINDOW_MS_CONFIG, Type.LONG, DEFAULT_EVIDENCE_WINDOW_MS, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
            "Event-time window after which coupling evidence expires (DESIGN.md §3); also how far back asOf queries reach.")
        .define(JOIN_WINDOW_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "How far apart in event time a connect and its accept may be and still pair.")
        .define(JOIN_GRACE_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "How late a connect or accept may arrive and still pair; an unpaired side becomes EXTERNAL after it.")
        .define(PID_TABLE_GRACE_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "How late an exec may arrive and still attribute the events of its process.")
        .define(EVIDENCE_REFRESH_MS_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "How often (event time) repeated file evidence of one AP is passed on to the coupling graph; new "
                + "evidence always goes at once. Keep it below pid.table.grace.ms + join.window.ms + join.grace.ms.")
        .define(EXEC_TOPIC_CONFIG, Type.STRING, Topics.EXEC, new ConfigDef.NonEmptyString(), Importance.LOW, "Input topic of exec events.")
        .define(FORK_TOPIC_CONFIG, Type.STRING, Topics.FORK, new ConfigDef.NonEmptyString(), Importance.LOW, "Input topic of fork events.")
        .define(EXIT_TOPIC_CONFIG, Type.STRING, Topics.EXIT, new ConfigDef.NonEmptyString(), Importance.LOW, "Input topic of exit events.")
        .define(OPEN_TOPIC_CONFIG, Type.STRING, Topics.OPEN, new ConfigDef.NonEmptyString(), Importance.LOW, "Input topic of open events.")
        .define(CONNECT_TOPIC_CONFIG, Type.STRING, Topics.CONNECT, new ConfigDef.NonEmptyString(), Importance.LOW, "Input topic of connect events.")
        .define(ACCEPT_TOPIC_CONFIG, Type.STRING, Topics.ACCEPT, new ConfigDef.NonEmptyString(), Importance.LOW, "Input topic of accept events.")
        .define(MIGRATION_SETS_TOPIC_CONFIG, Type.STRING, Topics.MIGRATION_SETS, new ConfigDef.NonEmptyString(), Importance.LOW,
            "Output topic (compacted) of the migration sets, keyed by component id.")
        .define(AP_INDEX_TOPIC_CONFIG, Type.STRING, TopologyOptions.DEFAULT_AP_INDEX_TOPIC, new ConfigDef.NonEmptyString(), Importance.LOW,
            "Output topic (compacted) of the AP -> component index.")
        .define(StreamsConfig.APPLICATION_SERVER_CONFIG, Type.STRING, "", Importance.LOW,
            "host:port other instances forward queries to; default: http.advertised.host and the bound http.port.");

    private final Map<String, String> all;

    private TetherConfig(final Map<String, String> all) {
        super(CONFIG, all, false);
        this.all = Map.copyOf(all);
        validateApplicationServer(getString(StreamsConfig.APPLICATION_SERVER_CONFIG));
    }

    /**
     * Layers the configuration: defaults, then {@code file} (may be null), then {@code environment} ({@code TETHER_*}),
     * then {@code overrides}.
     *
     * @throws ConfigException naming the key, the value and what is wrong, or the unreadable file
     */
    public static TetherConfig load(final Path file, final Map<String, String> environment, final Map<String, String> overrides) {
        final Map<String, String> merged = new HashMap<>();
        if (file != null) {
            merged.putAll(readFile(file));
        }
        merged.putAll(fromEnvironment(environment));
        overrides.forEach((key, value) -> {
            if (value != null) {
                merged.put(key, value);
            }
        });
        return new TetherConfig(merged);
    }

    /** The {@code TETHER_*} variables of {@code environment} as configuration keys (see the class comment). */
    public static Map<String, String> fromEnvironment(final Map<String, String> environment) {
        final Map<String, String> keys = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && !LAUNCHER_VARIABLES.contains(name)) {
                keys.put(keyOf(name), value);
            }
        });
        return keys;
    }

    /** {@code TETHER_NUM_STANDBY_REPLICAS} → {@code num.standby.replicas}. */
    public static String keyOf(final String variable) {
        final String name = variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        final StringBuilder key = new StringBuilder(name.length());
        int i = 0;
        while (i < name.length()) {
            if (name.startsWith("___", i)) {
                key.append('-');
                i += 3;
            } else if (name.startsWith("__", i)) {
                key.append('_');
                i += 2;
            } else if (name.charAt(i) == '_') {
                key.append('.');
                i++;
            } else {
                key.append(name.charAt(i));
                i++;
            }
        }
        return key.toString();
    }

    /**
     * The properties for {@link org.apache.kafka.streams.KafkaStreams}: Tether's defaults, then every key given
     * except Tether's own, then {@code application.server}.
     *
     * @param boundHttpPort the port the HTTP API actually bound (differs from {@code http.port} when that is 0)
     * @throws ConfigException when Kafka Streams rejects a key
     */
    public Properties streamsProperties(final int boundHttpPort) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // as the topology is built (MigrationSetTopology#optimizations): the output table restores from its topic
        props.putAll(io.tether.streams.topology.MigrationSetTopology.optimizations());
        // migration sets grow with their component: as large a record as the sets topic allows (RequiredTopic)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            Integer.toString(RequiredTopic.MAX_TABLE_RECORD_BYTES));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
        // Kafka Streams' exactly-once default (10 s) fenced a starved thread (tether local on 2 cores at load 20-30:
        // the broker rolled the transaction back, the thread's tasks were closed dirty, their state wiped and
        // restored for minutes, then fenced again). A crashed instance's open transaction now holds back
        // read_committed readers for up to a minute instead; the brokers allow up to 15 by default
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "60000");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"), "tether-streams").toString());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DEFAULT_DLQ_TOPIC);
        // Kafka's own handlers build the dead-letter record (raw key and value, the source topic, partition and
        // offset, the exception class and message as __streams.errors.* headers) and Streams sends it inside the
        // task's transaction; "continue" means the bad record is skipped, never the app stopped.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ContinueProductionExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        all.forEach((key, value) -> {
            // Tether's own keys configure the topology and the HTTP API, not Kafka's clients (which would warn)
            if (!CONFIG.names().contains(key) || key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                props.put(key, value);
            }
        });
        final HostInfo server = applicationServer(boundHttpPort);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server.host() + ":" + server.port());
        try {
            new UnloggedStreamsConfig(props);
        } catch (final ConfigException e) {
            throw e;
        } catch (final RuntimeException e) {
            throw new ConfigException("invalid Kafka Streams configuration: " + e.getMessage());
        }
        return props;
    }

    /** Where other instances reach this one: {@code application.server} if set, else advertised host and bound port. */
    public HostInfo applicationServer(final int boundHttpPort) {
        final String explicit = getString(StreamsConfig.APPLICATION_SERVER_CONFIG);
        if (!explicit.isEmpty()) {
            return HostInfo.buildFromEndpoint(explicit);
        }
        return new HostInfo(advertisedHost(), boundHttpPort);
    }

    public String advertisedHost() {
        final String configured = getString(HTTP_ADVERTISED_HOST_CONFIG);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (final UnknownHostException e) {
            return "localhost";
        }
    }

    public String bootstrapServers() {
        return String.join(",", getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public String httpHost() {
        return getString(HTTP_HOST_CONFIG);
    }

    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    public long forwardTimeoutMs() {
        return getLong(HTTP_FORWARD_TIMEOUT_MS_CONFIG);
    }

    public long evidenceWindowMs() {
        return getLong(EVIDENCE_WINDOW_MS_CONFIG);
    }

    /**
     * The topology's options: topics, windows, and the serde configuration — every key given, so that registry
     * settings beyond the URL (credentials, timeouts) reach the serdes.
     */
    public TopologyOptions topologyOptions() {
        final Map<String, Object> serdeConfig = new HashMap<>(all);
        serdeConfig.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
        // events that cannot be attributed go to the same dead-letter topic as records Streams cannot process
        final String dlq = all.getOrDefault(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DEFAULT_DLQ_TOPIC);
        return TopologyOptions.builder()
            .dlqTopic(dlq == null || dlq.isBlank() ? DEFAULT_DLQ_TOPIC : dlq)
            .execTopic(getString(EXEC_TOPIC_CONFIG))
            .forkTopic(getString(FORK_TOPIC_CONFIG))
            .exitTopic(getString(EXIT_TOPIC_CONFIG))
            .openTopic(getString(OPEN_TOPIC_CONFIG))
            .connectTopic(getString(CONNECT_TOPIC_CONFIG))
            .acceptTopic(getString(ACCEPT_TOPIC_CONFIG))
            .migrationSetsTopic(getString(MIGRATION_SETS_TOPIC_CONFIG))
            .apIndexTopic(getString(AP_INDEX_TOPIC_CONFIG))
            .serdeConfig(serdeConfig)
            .evidenceWindow(Duration.ofMillis(evidenceWindowMs()))
            .joinWindow(Duration.ofMillis(getLong(JOIN_WINDOW_MS_CONFIG)))
            .joinGrace(Duration.ofMillis(getLong(JOIN_GRACE_MS_CONFIG)))
            .pidTableGrace(Duration.ofMillis(getLong(PID_TABLE_GRACE_MS_CONFIG)))
            .evidenceRefresh(Duration.ofMillis(getLong(EVIDENCE_REFRESH_MS_CONFIG)))
            .build();
    }

    /** Every key as given (file, environment, overrides), without Tether's defaults. */
    public Map<String, String> given() {
        return all;
    }

    private static Map<String, String> readFile(final Path file) {
        final Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (final NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (final IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        final Map<String, String> keys = new HashMap<>();
        props.stringPropertyNames().forEach(name -> keys.put(name, props.getProperty(name).trim()));
        return keys;
    }

    private static void validateApplicationServer(final String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        try {
            final HostInfo info = HostInfo.buildFromEndpoint(value);
            if (info == null || info.port() <= 0) {
                throw new ConfigException(StreamsConfig.APPLICATION_SERVER_CONFIG, value, "expected host:port");
            }
        } catch (final RuntimeException e) {
            throw new ConfigException(StreamsConfig.APPLICATION_SERVER_CONFIG, value, "expected host:port");
        }
    }

    private static ConfigDef.Validator nonEmptyList() {
        return (name, value) -> {
            if (value instanceof List<?> list && (list.isEmpty() || list.stream().anyMatch(v -> v.toString().isBlank()))) {
                throw new ConfigException(name, value, "expected host:port[,host:port...]");
            }
        };
    }

    /** Accepts http(s)://host[:port] and mock://scope, the forms the serdes understand. */
    private static final class RegistryUrlValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "required: the schema registry URL, e.g. http://localhost:8081");
            }
            for (final String url : value.toString().split(",")) {
                final URI uri;
                try {
                    uri = URI.create(url.trim());
                } catch (final IllegalArgumentException e) {
                    throw new ConfigException(name, value, "not a URL: " + e.getMessage());
                }
                final String scheme = uri.getScheme();
                final boolean http = ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null;
                final boolean mock = "mock".equals(scheme);
                if (!http && !mock) {
                    throw new ConfigException(name, value, "expected http(s)://host:port (or mock://scope in tests)");
                }
            }
        }

        @Override
        public String toString() {
            return "http(s)://host:port";
        }
    }
}
