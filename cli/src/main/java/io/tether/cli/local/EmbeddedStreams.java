package io.tether.cli.local;

import io.tether.schemas.Topics;
import io.tether.streams.app.TetherConfig;
import io.tether.streams.app.TetherStreamsApp;
import io.tether.streams.topology.TopologyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The streams app as {@code tether local} and {@code tether replay} embed it: the migration-set topology, its
 * queryable stores and the HTTP API, configured for one instance on loopback.
 *
 * @param applicationId Kafka Streams application id (its consumer group, internal topic prefix, state sub-dir)
 * @param topicPrefix   prefix of every topic the app reads and writes: "" for the live topics
 *                      ({@code tether.exec} …), {@code <id>.} for a replay's private copies
 * @param attributionGrace how long to wait for a process's exec before giving up on its events; null = the
 *                      app's default (pid.table.grace.ms)
 */
public record EmbeddedStreams(String bootstrap, String registryUrl, int httpPort, Path stateDir, String applicationId,
                              String topicPrefix, Duration evidenceWindow, Duration attributionGrace) {

    public EmbeddedStreams(final String bootstrap, final String registryUrl, final int httpPort, final Path stateDir,
                           final String applicationId, final String topicPrefix, final Duration evidenceWindow) {
        // null: the app's own default (pid.table.grace.ms), as for a live deployment
        this(bootstrap, registryUrl, httpPort, stateDir, applicationId, topicPrefix, evidenceWindow, null);
    }

    /**
     * A replay feeds history as fast as Kafka delivers it. Every exec is in the recording, so a replay waits for it
     * as long as the evidence window instead of giving up after the live grace: a fork whose parent's exec sits in
     * another, slower-consumed input partition is still resolved (the decision stays a function of event time).
     */
    public EmbeddedStreams forReplay() {
        return new EmbeddedStreams(bootstrap, registryUrl, httpPort, stateDir, applicationId, topicPrefix,
                evidenceWindow, evidenceWindow);
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
        if (attributionGrace != null) {
            settings.put(TetherConfig.PID_TABLE_GRACE_MS_CONFIG, Long.toString(attributionGrace.toMillis()));
        }
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // one instance on one broker: nobody to hold a standby, and internal topics cannot have more replicas
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        settings.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topicPrefix + TetherConfig.DEFAULT_DLQ_TOPIC);
        settings.put(TetherConfig.EXEC_TOPIC_CONFIG, topicPrefix + Topics.EXEC);
        settings.put(TetherConfig.FORK_TOPIC_CONFIG, topicPrefix + Topics.FORK);
        settings.put(TetherConfig.EXIT_TOPIC_CONFIG, topicPrefix + Topics.EXIT);
        settings.put(TetherConfig.OPEN_TOPIC_CONFIG, topicPrefix + Topics.OPEN);
        settings.put(TetherConfig.CONNECT_TOPIC_CONFIG, topicPrefix + Topics.CONNECT);
        settings.put(TetherConfig.ACCEPT_TOPIC_CONFIG, topicPrefix + Topics.ACCEPT);
        settings.put(TetherConfig.MIGRATION_SETS_TOPIC_CONFIG, topicPrefix + Topics.MIGRATION_SETS);
        settings.put(TetherConfig.AP_INDEX_TOPIC_CONFIG, topicPrefix + TopologyOptions.DEFAULT_AP_INDEX_TOPIC);
        // explicit settings only: the launcher's own TETHER_* variables are not streams configuration
        return TetherStreamsApp.withTopology(TetherConfig.load(null, Map.of(), settings)).start();
    }
}
