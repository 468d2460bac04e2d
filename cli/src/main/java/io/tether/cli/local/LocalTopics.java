package io.tether.cli.local;

import io.tether.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Tether's topics on the embedded broker if they are missing. All input topics get the same partition
 * count: the streams app joins them by key, which requires co-partitioning.
 */
public final class LocalTopics {
    public static final int PARTITIONS = 3;

    private LocalTopics() {
    }

    public static void ensure(final Admin admin) throws InterruptedException {
        final List<NewTopic> topics = new ArrayList<>();
        for (final String input : inputTopics()) {
            topics.add(new NewTopic(input, PARTITIONS, (short) 1));
        }
        topics.add(new NewTopic(Topics.MIGRATION_SETS, PARTITIONS, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        topics.add(new NewTopic(Topics.DLQ, 1, (short) 1));
        for (final Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> result
                : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get();
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e);
                }
            }
        }
    }

    /** The raw event topics, in the order record/replay lists them. */
    public static List<String> inputTopics() {
        return List.of(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT);
    }
}
