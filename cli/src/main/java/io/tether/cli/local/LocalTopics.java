package io.tether.cli.local;

import io.tether.schemas.Topics;
import io.tether.streams.app.RequiredTopic;
import java.time.Duration;
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
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private LocalTopics() {
    }

    public static void ensure(final Admin admin, final Duration window) throws InterruptedException {
        final List<NewTopic> topics = new ArrayList<>();
        for (final String input : inputTopics()) {
            topics.add(new NewTopic(input, PARTITIONS, (short) 1));
        }
        topics.add(new NewTopic(Topics.MIGRATION_SETS, PARTITIONS, (short) 1)
                .configs(RequiredTopic.versionedTableConfigs(window)));
        topics.add(new NewTopic(Topics.DLQ, 1, (short) 1));
        // the registry's storage: one partition (a total order of registrations), compacted, as Confluent's
        topics.add(new NewTopic(Topics.SCHEMAS, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
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
        awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
    }

    /**
     * A created topic is not usable until its metadata reached the broker's cache and every partition has a leader;
     * the components started next (registry, streams app) would otherwise see "unknown topic" for a moment.
     */
    private static void awaitLeaders(final Admin admin, final List<String> names) throws InterruptedException {
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                final boolean ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (final ExecutionException e) {
                // not known everywhere yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Tether's topics have no leader after " + READY_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** The raw event topics, in the order record/replay lists them. */
    public static List<String> inputTopics() {
        return List.of(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT);
    }
}
