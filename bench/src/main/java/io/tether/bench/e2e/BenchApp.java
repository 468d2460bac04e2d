package io.tether.bench.e2e;

import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.streams.app.RequiredTopic;
import io.tether.streams.app.TetherConfig;
import io.tether.streams.app.TetherStreamsApp;
import io.tether.streams.query.QueryStores;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.TopologyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The real streams app ({@link TetherStreamsApp}: the topology, its stores, the HTTP API) on topics under
 * {@code prefix}, configured as one instance on one broker. Everything else is the app's own default, in
 * particular {@code processing.guarantee=exactly_once_v2}.
 */
final class BenchApp {
    private BenchApp() {
    }

    static TopologyOptions options(final String prefix, final String outputPrefix, final String registryUrl,
                                   final Duration pidTableGrace) {
        return options(prefix, outputPrefix, registryUrl, pidTableGrace, null, null);
    }

    /** @param joinWindow, joinGrace null: the app's default */
    static TopologyOptions options(final String prefix, final String outputPrefix, final String registryUrl,
                                   final Duration pidTableGrace, final Duration joinWindow, final Duration joinGrace) {
        final TopologyOptions.Builder b = TopologyOptions.builder()
            .execTopic(EventKind.EXEC.topic(prefix)).forkTopic(EventKind.FORK.topic(prefix))
            .exitTopic(EventKind.EXIT.topic(prefix)).openTopic(EventKind.OPEN.topic(prefix))
            .connectTopic(EventKind.CONNECT.topic(prefix)).acceptTopic(EventKind.ACCEPT.topic(prefix))
            .migrationSetsTopic(outputPrefix + "tether.migration-sets")
            .apIndexTopic(outputPrefix + TopologyOptions.DEFAULT_AP_INDEX_TOPIC)
            .serdeConfig(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        if (pidTableGrace != null) {
            b.pidTableGrace(pidTableGrace);
        }
        if (joinWindow != null) {
            b.joinWindow(joinWindow);
        }
        if (joinGrace != null) {
            b.joinGrace(joinGrace);
        }
        return b.build();
    }

    /**
     * Starts the app and waits (at most {@code timeout}) until it is RUNNING.
     *
     * @param commitIntervalMs null: the app's default (100 ms under exactly-once)
     * @param overrides        app settings that replace the bench's and the app's defaults (e.g. to compare one)
     */
    static TetherStreamsApp start(final String bootstrap, final String registryUrl, final String applicationId,
                                  final TopologyOptions options, final Path stateDir, final int threads,
                                  final Integer commitIntervalMs, final Map<String, String> overrides,
                                  final Duration timeout) throws InterruptedException {
        final Map<String, String> settings = new HashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(TetherConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        settings.put(TetherConfig.HTTP_HOST_CONFIG, "127.0.0.1");
        settings.put(TetherConfig.HTTP_ADVERTISED_HOST_CONFIG, "127.0.0.1");
        settings.put(TetherConfig.HTTP_PORT_CONFIG, "0");
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
        settings.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, applicationId + ".dlq");
        if (commitIntervalMs != null) {
            settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs.toString());
        }
        settings.putAll(overrides);
        final TetherConfig config = TetherConfig.load(null, Map.of(), settings);
        final QueryStores stores = QueryStores.TOPOLOGY;
        final List<RequiredTopic> topics = new java.util.ArrayList<>(TetherStreamsApp.requiredTopics(options));
        topics.add(RequiredTopic.plain(applicationId + ".dlq"));
        final TetherStreamsApp app = new TetherStreamsApp(config, MigrationSetTopology.buildTopology(options), stores,
            topics).start();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (app.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || app.state() == KafkaStreams.State.ERROR) {
                app.close();
                throw new IllegalStateException("app " + applicationId + " not RUNNING within " + timeout.toSeconds()
                    + " s (state " + app.state() + ")");
            }
            Thread.sleep(50);
        }
        return app;
    }
}
