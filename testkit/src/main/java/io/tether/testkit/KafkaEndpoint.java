package io.tether.testkit;

import io.tether.schemas.topic.TopicQueries;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A running Kafka cluster a test talks to, whatever started it: the in-process {@link KafkaBrokerExtension}
 * or a Docker container ({@link KafkaContainerEndpoint}). Tests written against this interface run unchanged on both.
 */
public interface KafkaEndpoint {

    /** {@code host:port[,host:port]} of the brokers, for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** A shared admin client owned by the endpoint; callers must not close it. */
    Admin admin();

    /** Replication factor topics are created with: the number of brokers, capped at 3. */
    short replicationFactor();

    /** A fresh mutable client config holding only {@code bootstrap.servers}. */
    default Map<String, Object> clientConfig() {
        final Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** Creates each topic with one partition; topics that already exist are left as they are. */
    default void createTopics(final String... names) {
        Arrays.stream(names).forEach(name -> createTopic(name, 1, Map.of()));
    }

    /**
     * Creates a topic and waits until the brokers describe it (under KRaft the controller acknowledges a creation
     * before the brokers have applied it). An existing topic is left as it is, so test classes sharing one broker
     * can all declare what they need.
     */
    default void createTopic(final String name, final int partitions, final Map<String, String> configs) {
        final NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor())).configs(configs);
        try {
            admin().createTopics(List.of(topic)).all().get();
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        onceKnown(name, () -> admin().describeTopics(List.of(name)).allTopicNames().get());
    }

    /** Asks again, for at most 30 s, while the broker answering does not know the topic yet. */
    default <T> T onceKnown(final String topic, final TopicQueries.TopicQuery<T> query) {
        try {
            return TopicQueries.onceKnown(query, Duration.ofSeconds(30));
        } catch (final ExecutionException e) {
            throw new IllegalStateException("could not describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("no answer describing topic " + topic, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /** One config value of a topic as the brokers describe it (asked again while they do not know the topic yet). */
    default String topicConfig(final String topic, final String name) {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        final ConfigEntry entry = onceKnown(topic, () -> admin().describeConfigs(List.of(resource)).all().get().get(resource))
            .get(name);
        return entry == null ? null : entry.value();
    }
}
