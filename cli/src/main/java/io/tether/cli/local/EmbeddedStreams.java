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
                              String topicPrefix, Duration evidenceWindow) {

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
