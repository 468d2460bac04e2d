package io.tether.streams.app;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.StreamsConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics Kafka Streams uses but does not create itself: the topology's sources, its output tables
 * (compacted) and the dead-letter queue. Existing topics are left as they are.
 */
final class TopicSetup {

    private static final long TIMEOUT_SECONDS = 30;

    private TopicSetup() {
    }

    static void ensure(final Properties streamsProps, final List<RequiredTopic> topics) {
        final StreamsConfig streamsConfig = new StreamsConfig(streamsProps);
        final List<NewTopic> wanted = new ArrayList<>();
        for (final RequiredTopic topic : topics) {
            wanted.add(new NewTopic(topic.name(), Optional.empty(), Optional.empty()).configs(topic.configs()));
        }
        final String dlq = streamsConfig.getString(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (dlq != null && !dlq.isBlank()) {
            wanted.add(new NewTopic(dlq, Optional.empty(), Optional.empty()));
        }
        if (wanted.isEmpty()) {
            return;
        }
        final Map<String, Object> adminConfig = streamsConfig.getAdminConfigs("tether-topic-setup");
        try (Admin admin = Admin.create(adminConfig)) {
            final Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final List<NewTopic> missing = wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
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
}
