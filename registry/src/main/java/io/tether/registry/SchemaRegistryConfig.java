package io.tether.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.tether.schemas.Topics;

/**
 * Settings of one {@link SchemaRegistryServer}.
 *
 * @param bootstrapServers  Kafka cluster holding the schemas topic
 * @param host              address the HTTP server binds to
 * @param port              HTTP port, 0 for an ephemeral one
 * @param topic             the compacted topic schemas are stored in (created when missing)
 * @param replicationFactor replication factor used when the topic is created; empty for the broker default
 * @param timeout           how long a request may wait for Kafka (write, read-back, catch-up) before failing
 */
public record SchemaRegistryConfig(String bootstrapServers, String host, int port, String topic,
                                   Optional<Short> replicationFactor, Duration timeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public SchemaRegistryConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(timeout, "timeout");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535, got " + port);
        }
        if (topic.isBlank()) {
            throw new IllegalArgumentException("schemas topic must not be empty");
        }
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException("replication factor must be at least 1, got " + rf);
            }
        });
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** Loopback, topic {@code _schemas}, broker-default replication factor, 30 s timeout. */
    public static SchemaRegistryConfig of(final String bootstrapServers, final int port) {
        return new SchemaRegistryConfig(bootstrapServers, DEFAULT_HOST, port, Topics.SCHEMAS, Optional.empty(), DEFAULT_TIMEOUT);
    }

    public SchemaRegistryConfig withHost(final String newHost) {
        return new SchemaRegistryConfig(bootstrapServers, newHost, port, topic, replicationFactor, timeout);
    }

    public SchemaRegistryConfig withTopic(final String newTopic) {
        return new SchemaRegistryConfig(bootstrapServers, host, port, newTopic, replicationFactor, timeout);
    }

    public SchemaRegistryConfig withReplicationFactor(final short newReplicationFactor) {
        return new SchemaRegistryConfig(bootstrapServers, host, port, topic, Optional.of(newReplicationFactor), timeout);
    }

    public SchemaRegistryConfig withTimeout(final Duration newTimeout) {
        return new SchemaRegistryConfig(bootstrapServers, host, port, topic, replicationFactor, newTimeout);
    }
}
