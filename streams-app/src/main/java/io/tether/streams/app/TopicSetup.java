package io.tether.streams.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.tether.schemas.topic.TopicQueries.onceKnown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics Kafka Streams uses but does not create itself: the topology's sources, its output tables
 * (compacted) and the dead-letter queue. Existing topics are left as they are, except that a topic asking for a
 * larger record limit than it has gets it (the sets topic of an earlier release).
 */
final class TopicSetup {

    private static final long TIMEOUT_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    /**
     * What the app must know about its topics before it starts.
     *
     * @param inputPartitions the number of partitions every input topic has (0 when there are no inputs)
     * @param maxRecordBytes  the smallest record size limit the topics that ask for one actually have (an existing
     *                        topic is raised to what it asks for where the brokers allow); 0 if none asks
     */
    record TopicFacts(int inputPartitions, int maxRecordBytes) {
    }

    /**
     * Creates what is missing, then checks the input topics and reads the record size limits.
     *
     * @throws TopicSetupException when the brokers cannot be reached, or the input topics differ in partitions
     */
    static TopicFacts ensure(final Properties streamsProps, final List<RequiredTopic> topics) {
        final StreamsConfig streamsConfig = new UnloggedStreamsConfig(streamsProps);
        final List<NewTopic> wanted = new ArrayList<>();
        for (final RequiredTopic topic : topics) {
            wanted.add(new NewTopic(topic.name(), Optional.empty(), Optional.empty()).configs(topic.configs()));
        }
        final String dlq = streamsConfig.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (dlq != null && !dlq.isBlank()) {
            wanted.add(new NewTopic(dlq, Optional.empty(), Optional.empty()));
        }
        final List<String> inputs = topics.stream().filter(RequiredTopic::input).map(RequiredTopic::name).toList();
        final Map<String, Object> adminConfig = streamsConfig.getAdminConfigs("tether-topic-setup");
        try (Admin admin = Admin.create(adminConfig)) {
            final Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final List<NewTopic> missing = wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
            for (final Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created : admin.createTopics(missing).values().entrySet()) {
                try {
                    created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (final ExecutionException e) {
                    // another instance starting at the same moment may have created it first
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new TopicSetupException("cannot create topic " + created.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return new TopicFacts(inputPartitions(admin, inputs), maxRecordBytes(admin, topics));
        } catch (final ExecutionException e) {
            throw new TopicSetupException("cannot list topics at " + streamsConfig.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)
                + ": " + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException e) {
            throw new TopicSetupException("no answer from the brokers at " + streamsConfig.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)
                + " within " + TIMEOUT_SECONDS + " s", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicSetupException("interrupted while creating topics", e);
        }
    }

    private static int maxRecordBytes(final Admin admin, final List<RequiredTopic> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        final Map<ConfigResource, Integer> wanted = new HashMap<>();
        topics.stream().filter(topic -> topic.maxRecordBytes() > 0).forEach(topic ->
            wanted.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), topic.maxRecordBytes()));
        if (wanted.isEmpty()) {
            return 0;
        }
        int smallest = Integer.MAX_VALUE;
        final Map<ConfigResource, Config> configs = onceKnown(() -> admin.describeConfigs(wanted.keySet()).all()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS), Duration.ofSeconds(TIMEOUT_SECONDS));
        for (final Map.Entry<ConfigResource, Config> described : configs.entrySet()) {
            final ConfigEntry entry = described.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            int limit = entry == null || entry.value() == null ? 0 : Integer.parseInt(entry.value());
            final int want = wanted.get(described.getKey());
            if (limit < want) {
                limit = raise(admin, described.getKey(), want, limit);
            }
            smallest = Math.min(smallest, limit);
        }
        return smallest == Integer.MAX_VALUE ? 0 : smallest;
    }

    /**
     * Raises the record limit of a topic made before the app asked for one (a set topic of an earlier release has
     * the brokers' 1 MB): the topic is the app's own output table. Where the brokers refuse (a policy, an ACL), the
     * app keeps to the topic's limit (the graph holds back a larger set and counts it), with a warning.
     */
    private static int raise(final Admin admin, final ConfigResource topic, final int want, final int current)
            throws InterruptedException, TimeoutException {
        try {
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(want)), AlterConfigOp.OpType.SET))))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!awaitLimit(admin, topic, want)) {
                LOG.warn("raised {} of topic {} from {} to {}, but the brokers did not show it within {} s: keeping to "
                    + "{} until the next start", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, topic.name(), current, want,
                    TIMEOUT_SECONDS, current);
                return current;
            }
            LOG.info("raised {} of topic {} from {} to {}", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, topic.name(),
                current, want);
            return want;
        } catch (final ExecutionException e) {
            LOG.warn("cannot raise {} of topic {} from {} to {} ({}): migration sets larger than that are held back "
                + "(metric oversized-sets)", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, topic.name(), current, want,
                e.getCause().getMessage());
            return current;
        }
    }

    /**
     * Waits until the brokers describe the raised limit. Under KRaft the alteration is acknowledged once the
     * controller has committed it; a broker applies it (and enforces it on produce) when its metadata catches up, so
     * a set written in between would be refused, and under exactly-once fail its transaction.
     */
    private static boolean awaitLimit(final Admin admin, final ConfigResource topic, final int want)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        do {
            try {
                final ConfigEntry entry = admin.describeConfigs(List.of(topic)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null && Integer.parseInt(entry.value()) >= want) {
                    return true;
                }
            } catch (final ExecutionException | TimeoutException e) {
                LOG.debug("describing {} after raising its limit: {}", topic.name(), e.toString());
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * The partition count the input topics share: a host's events must share one partition number in all of them
     * (see {@link io.tether.schemas.topic.HostPartitioner}). Just-created topics may take a moment to be described.
     */
    private static int inputPartitions(final Admin admin, final List<String> inputs)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (inputs.isEmpty()) {
            return 0;
        }
        final Map<String, Integer> counts = new TreeMap<>();
        onceKnown(() -> admin.describeTopics(inputs).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                Duration.ofSeconds(TIMEOUT_SECONDS))
            .forEach((name, description) -> counts.put(name, description.partitions().size()));
        if (new HashSet<>(counts.values()).size() != 1) {
            throw new TopicSetupException("the input topics must all have the same number of partitions (the "
                + "events of a host share one partition number in all of them), but they have " + counts, null);
        }
        return counts.values().iterator().next();
    }
}
