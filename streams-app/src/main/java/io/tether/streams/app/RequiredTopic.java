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
 */
public record RequiredTopic(String name, Map<String, String> configs) {

    public RequiredTopic {
        configs = Map.copyOf(configs);
    }

    /** An event topic: the brokers' defaults. */
    public static RequiredTopic events(final String name) {
        return new RequiredTopic(name, Map.of());
    }

    /** A table's topic where only the latest value per key matters: compacted. */
    public static RequiredTopic table(final String name) {
        return new RequiredTopic(name, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /**
     * A table's topic that a versioned store restores from: compacted, but no version younger than the store's
     * {@code history} is compacted away, so that a restored store still answers "as of" over its whole history.
     */
    public static RequiredTopic versionedTable(final String name, final Duration history) {
        return new RequiredTopic(name, versionedTableConfigs(history));
    }

    /** The configs of {@link #versionedTable}, for tools that create the topic themselves. */
    public static Map<String, String> versionedTableConfigs(final Duration history) {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(history.toMillis()));
    }
}
