package io.tether.streams.app;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic the app reads or writes that Kafka Streams does not create itself (its own inputs, its output tables, the
 * dead-letter queue). Created at start with the brokers' default partitions and replication if missing, so that an
 * instance started before any collector does not fail on a missing source topic.
 *
 * @param configs topic configs to create it with
 * @param input   whether it is one of the input event topics, which are partitioned by host
 *                ({@link io.tether.schemas.topic.HostPartitioner}) and must all have the same number of partitions
 */
public record RequiredTopic(String name, Map<String, String> configs, boolean input) {

    public RequiredTopic {
        configs = Map.copyOf(configs);
    }

    /** An input event topic: the brokers' defaults. */
    public static RequiredTopic input(final String name) {
        return new RequiredTopic(name, Map.of(), true);
    }

    /** Any other topic with the brokers' defaults (e.g. a dead-letter topic). */
    public static RequiredTopic plain(final String name) {
        return new RequiredTopic(name, Map.of(), false);
    }

    /** A table's topic where only the latest value per key matters: compacted. */
    public static RequiredTopic table(final String name) {
        return new RequiredTopic(name, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
            false);
    }

    /**
     * A table's topic that a versioned store restores from: compacted, but no version younger than the store's
     * {@code history} is compacted away, so that a restored store still answers "as of" over its whole history.
     */
    public static RequiredTopic versionedTable(final String name, final Duration history) {
        return new RequiredTopic(name, versionedTableConfigs(history), false);
    }

    /** The configs of {@link #versionedTable}, for tools that create the topic themselves. */
    public static Map<String, String> versionedTableConfigs(final Duration history) {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(history.toMillis()),
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_TABLE_RECORD_BYTES));
    }

    /**
     * The record size a versioned table's topic allows (its records are migration sets, which grow with their
     * component): 16 MiB instead of the brokers' 1 MiB default. The app's producer allows the same
     * ({@link TetherConfig}), and the graph holds back a set that would not fit (see
     * {@link io.tether.streams.topology.MigrationSetTopology#MAX_SET_BYTES_CONFIG}).
     */
    public static final int MAX_TABLE_RECORD_BYTES = 16 * 1024 * 1024;

    /** The record size this topic asks for, or 0 if it takes the brokers' default. */
    public int maxRecordBytes() {
        final String value = configs.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return value == null ? 0 : Integer.parseInt(value);
    }
}
