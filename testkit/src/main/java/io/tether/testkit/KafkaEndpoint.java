package io.tether.testkit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
     * Creates a topic and waits until the controller has accepted it. An existing topic is left as it is, so
     * test classes sharing one broker can all declare what they need.
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
    }
}
