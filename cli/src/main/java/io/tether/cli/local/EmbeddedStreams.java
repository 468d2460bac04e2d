package io.tether.cli.local;

import io.tether.schemas.Topics;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.streams.app.RequiredTopic;
import io.tether.streams.app.TetherConfig;
import io.tether.streams.app.TetherStreamsApp;
import io.tether.streams.query.QueryStores;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.StoreNames;
import io.tether.streams.topology.TopologyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The streams app as {@code tether local} and {@code tether replay} embed it: the migration-set topology, its
 * queryable stores and the HTTP API, configured for one instance on loopback.
 *
 * @param applicationId Kafka Streams application id (its consumer group, internal topic prefix, state sub-dir)
 * @param topicPrefix   prefix of every topic the app reads and writes: "" for the live topics
 *                      ({@code tether.exec} …), {@code <id>.} for a replay's private copies
 */
public record EmbeddedStreams(String bootstrap, String registryUrl, int httpPort, Path stateDir, String applicationId,
                              String topicPrefix, Duration evidenceWindow, Duration attributionGrace) {

    /** How long the live app waits for a process's exec before giving up on attributing its events. */
    public static final Duration LIVE_ATTRIBUTION_GRACE = Duration.ofSeconds(30);

    public EmbeddedStreams(final String bootstrap, final String registryUrl, final int httpPort, final Path stateDir,
                           final String applicationId, final String topicPrefix, final Duration evidenceWindow) {
        this(bootstrap, registryUrl, httpPort, stateDir, applicationId, topicPrefix, evidenceWindow,
                LIVE_ATTRIBUTION_GRACE);
    }

    /**
     * A replay feeds history as fast as Kafka delivers it: the PID table reaches the attribution step through two
     * repartition topics and lags behind the events it explains, while stream time races ahead. Every exec is in
     * the recording, so a replay waits for it as long as the evidence window instead of giving up after the live
     * grace (pending events are retried as the table catches up; the decision stays a function of event time).
     */
    public EmbeddedStreams forReplay() {
        return new EmbeddedStreams(bootstrap, registryUrl, httpPort, stateDir, applicationId, topicPrefix,
                evidenceWindow, evidenceWindow);
    }

    public TopologyOptions topologyOptions() {
        return TopologyOptions.builder()
                .execTopic(topicPrefix + Topics.EXEC)
                .forkTopic(topicPrefix + Topics.FORK)
                .exitTopic(topicPrefix + Topics.EXIT)
                .openTopic(topicPrefix + Topics.OPEN)
                .connectTopic(topicPrefix + Topics.CONNECT)
                .acceptTopic(topicPrefix + Topics.ACCEPT)
                .migrationSetsTopic(topicPrefix + Topics.MIGRATION_SETS)
                .apIndexTopic(topicPrefix + TopologyOptions.DEFAULT_AP_INDEX_TOPIC)
                .serdeConfig(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl)
                .evidenceWindow(evidenceWindow)
                .pidTableGrace(attributionGrace)
                .dlqTopic(topicPrefix + TetherConfig.DEFAULT_DLQ_TOPIC)
                .build();
    }

    /** Binds the HTTP API and starts Kafka Streams; the app becomes RUNNING (see /health) shortly after. */
    public TetherStreamsApp start() {
        final Map<String, String> settings = new HashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(TetherConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        settings.put(TetherConfig.HTTP_HOST_CONFIG, "127.0.0.1");
        settings.put(TetherConfig.HTTP_ADVERTISED_HOST_CONFIG, "127.0.0.1");
        settings.put(TetherConfig.HTTP_PORT_CONFIG, Integer.toString(httpPort));
        settings.put(TetherConfig.EVIDENCE_WINDOW_MS_CONFIG, Long.toString(evidenceWindow.toMillis()));
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // one instance on one broker: nobody to hold a standby, and internal topics cannot have more replicas
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        settings.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topicPrefix + TetherConfig.DEFAULT_DLQ_TOPIC);
        // explicit settings only: the launcher's own TETHER_* variables are not streams configuration
        final TetherConfig config = TetherConfig.load(null, Map.of(), settings);
        final TopologyOptions options = topologyOptions();
        final QueryStores stores = new QueryStores(StoreNames.AP_INDEX, StoreNames.AP_INDEX_HISTORY,
                StoreNames.MIGRATION_SETS, StoreNames.MIGRATION_SETS_HISTORY);
        final List<RequiredTopic> topics = List.of(
                new RequiredTopic(options.execTopic(), false), new RequiredTopic(options.forkTopic(), false),
                new RequiredTopic(options.exitTopic(), false), new RequiredTopic(options.openTopic(), false),
                new RequiredTopic(options.connectTopic(), false), new RequiredTopic(options.acceptTopic(), false),
                new RequiredTopic(options.migrationSetsTopic(), true), new RequiredTopic(options.apIndexTopic(), true));
        return new TetherStreamsApp(config, MigrationSetTopology.buildTopology(options), stores, topics).start();
    }
}
