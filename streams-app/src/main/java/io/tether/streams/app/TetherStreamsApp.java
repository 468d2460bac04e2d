package io.tether.streams.app;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.streams.api.HttpApi;
import io.tether.streams.query.LocalStores;
import io.tether.streams.query.MigrationSetQueries;
import io.tether.streams.query.QueryStores;
import io.tether.streams.query.RemoteStores;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.TopologyOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * One instance of the streams app: the topology running in Kafka Streams, and the HTTP API that answers queries from
 * its stores and everyone else's.
 *
 * <p>Start order matters: the HTTP API binds first, because {@code application.server} must carry the port actually
 * bound (port 0 picks one) before Kafka Streams starts and tells the group where to forward queries.
 *
 * <p>A stream thread that dies of an unexpected exception is replaced rather than taking the instance down; bad
 * records never get that far, the exception handlers send them to the dead-letter queue.
 */
public final class TetherStreamsApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TetherStreamsApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final TetherConfig config;
    private final Topology topology;
    private final QueryStores stores;
    private final List<RequiredTopic> requiredTopics;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private volatile KafkaStreams streams;
    private volatile HostInfo self;
    private volatile KafkaStreams.State finalState;
    private HttpApi http;
    /** How soon metrics Kafka Streams adds while running (new tasks, Tether's sensors) reach /metrics. */
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(5);
    /** How long after a state change metrics are looked for every {@link #METRICS_REFRESH}. */
    private static final Duration METRICS_BUSY = Duration.ofSeconds(60);
    /** How often otherwise (Micrometer's default). */
    private static final Duration METRICS_IDLE_REFRESH = Duration.ofMinutes(1);
    private KafkaStreamsMetrics streamsMetrics;
    private MetricsRefreshScheduler metricsScheduler;
    private RemoteStores remote;

    /**
     * @param topology     the topology to run (see {@code MigrationSetTopology.buildTopology})
     * @param stores       the names of its queryable stores
     * @param requiredTopics the topology's source and sink topics; created if missing
     */
    public TetherStreamsApp(final TetherConfig config, final Topology topology, final QueryStores stores, final List<RequiredTopic> requiredTopics) {
        this.config = config;
        this.topology = topology;
        this.stores = stores;
        this.requiredTopics = List.copyOf(requiredTopics);
    }

    /**
     * Binds the HTTP API, creates missing source, output and dead-letter topics, and starts Kafka Streams. Returns once
     * started; the instance becomes RUNNING (see {@code /health}) after its first rebalance and restoration.
     *
     * @throws org.apache.kafka.common.config.ConfigException when Kafka Streams rejects the configuration
     * @throws TopicSetupException when the brokers cannot be reached to check the topics
     */
    public synchronized TetherStreamsApp start() {
        bindMetrics();
        final LocalStores local = new LocalStores(() -> streams, stores);
        remote = new RemoteStores(Duration.ofMillis(config.forwardTimeoutMs()));
        final MigrationSetQueries queries = new MigrationSetQueries(() -> streams, () -> self, local, remote);
        http = new HttpApi(queries, local, this::state, metrics).start(config.httpHost(), config.httpPort());
        try {
            final Properties props = config.streamsProperties(http.port());
            self = config.applicationServer(http.port());
            final TopicSetup.TopicFacts topics = TopicSetup.ensure(props, requiredTopics);
            if (topics.inputPartitions() > 0) {
                // the host task checks each event's partition against its host's (HostProcessesProcessor)
                props.put(MigrationSetTopology.INPUT_PARTITIONS_CONFIG, Integer.toString(topics.inputPartitions()));
            }
            props.put(MigrationSetTopology.MAX_SET_BYTES_CONFIG, Integer.toString(maxSetBytes(props, topics)));
            final KafkaStreams instance = new KafkaStreams(topology, props);
            instance.setStateListener(this::onStateChange);
            instance.setUncaughtExceptionHandler(exception -> {
                LOG.error("stream thread died; replacing it", exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            // Kafka Streams adds metrics as tasks start (Tether's own sensors among them: unattributed, mispartitioned
            // and oversized); Micrometer looks for new ones every minute by default, so they were missing from
            // /metrics for up to a minute after every start or rebalance. But the binder re-binds all of them whenever
            // it finds a change, which a busy app's clients make often: the short rate only for a while after each
            // state change (MetricsRefreshScheduler), the binder's default rate otherwise
            metricsScheduler = new MetricsRefreshScheduler("tether-metrics-refresh", METRICS_BUSY, METRICS_IDLE_REFRESH);
            streamsMetrics = new KafkaStreamsMetrics(instance, List.of(), metricsScheduler, METRICS_REFRESH);
            streamsMetrics.bindTo(metrics);
            streams = instance;
            instance.start();
            LOG.info("tether streams app {} started; HTTP API on {}:{}, advertised as {}:{}", props.get("application.id"),
                config.httpHost(), http.port(), self.host(), self.port());
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * The app with Tether's topology ({@link MigrationSetTopology}) configured from {@code config}, its query stores
     * and the topics it needs. Call {@link #start()} to run it.
     */
    public static TetherStreamsApp withTopology(final TetherConfig config) {
        final TopologyOptions options = config.topologyOptions();
        return new TetherStreamsApp(config, MigrationSetTopology.buildTopology(options), QueryStores.TOPOLOGY,
            requiredTopics(options));
    }

    /** The topics {@link MigrationSetTopology} reads and writes that Kafka Streams does not create itself. */
    /**
     * The largest set the graph may emit: what both the producer and the sets topic accept (an existing topic may
     * keep a smaller limit if the brokers refuse to raise it), less room for the record's key and framing. A set that
     * does not fit would fail its transaction over and over; the graph holds it back and counts it instead.
     */
    static int maxSetBytes(final Properties props, final TopicSetup.TopicFacts topics) {
        final Object request = new UnloggedStreamsConfig(props).getProducerConfigs("tether-limits")
            .get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int limit = request == null ? 1024 * 1024 : Integer.parseInt(request.toString());
        if (topics.maxRecordBytes() > 0) {
            limit = Math.min(limit, topics.maxRecordBytes());
        }
        return Math.max(1024, limit - MigrationSetTopology.SET_RECORD_HEADROOM_BYTES);
    }

    public static List<RequiredTopic> requiredTopics(final TopologyOptions options) {
        return List.of(
            RequiredTopic.input(options.execTopic()),
            RequiredTopic.input(options.forkTopic()),
            RequiredTopic.input(options.exitTopic()),
            RequiredTopic.input(options.openTopic()),
            RequiredTopic.input(options.connectTopic()),
            RequiredTopic.input(options.acceptTopic()),
            RequiredTopic.versionedTable(options.migrationSetsTopic(), options.evidenceWindow()),
            RequiredTopic.table(options.apIndexTopic()));
    }

    /** The instance's state, or null before Kafka Streams is created. */
    public KafkaStreams.State state() {
        final KafkaStreams instance = streams;
        return instance == null ? null : instance.state();
    }

    /** The port the HTTP API bound. */
    public int httpPort() {
        return http.port();
    }

    /** This instance's {@code application.server}. */
    public HostInfo applicationServer() {
        return self;
    }

    /** The running Kafka Streams instance, for embedding (e.g. {@code tether local}); null before {@link #start()}. */
    public KafkaStreams streams() {
        return streams;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /**
     * Blocks until the instance stops (closed, or failed beyond recovery).
     *
     * @return the final state: NOT_RUNNING after a close, ERROR after a failure
     */
    public KafkaStreams.State awaitTermination() throws InterruptedException {
        terminated.await();
        return finalState;
    }

    /**
     * Stops processing, leaves the consumer group (so that the other instances take over its partitions now rather
     * than after the session timeout), then stops serving HTTP.
     */
    @Override
    public synchronized void close() {
        final KafkaStreams instance = streams;
        if (instance != null) {
            instance.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (metricsScheduler != null) {
            metricsScheduler.shutdownNow();
        }
        if (http != null) {
            http.close();
        }
        if (remote != null) {
            remote.close();
        }
        gcMetrics.close();
        metrics.close();
        if (finalState == null) {
            finalState = instance == null ? KafkaStreams.State.NOT_RUNNING : instance.state();
        }
        terminated.countDown();
    }

    private void onStateChange(final KafkaStreams.State newState, final KafkaStreams.State oldState) {
        LOG.info("streams state {} -> {}", oldState, newState);
        final MetricsRefreshScheduler refresh = metricsScheduler;
        if (refresh != null) {
            refresh.stateChanged();
        }
        if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
            finalState = newState;
            if (newState == KafkaStreams.State.ERROR) {
                terminated.countDown();
            }
        }
    }

    private void bindMetrics() {
        new JvmMemoryMetrics().bindTo(metrics);
        gcMetrics.bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ClassLoaderMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
    }
}
