package io.tether.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startable;

/**
 * A single Kafka broker in Docker (Testcontainers' {@code apache/kafka} image), as a {@link KafkaEndpoint}.
 * Use as a {@code @Container static} field in a class annotated {@code @Testcontainers(disabledWithoutDocker = true)},
 * so the class is skipped cleanly on machines without a Docker engine.
 * The image defaults to {@code apache/kafka} at the Kafka version Tether builds against; system property
 * {@code tether.kafka.image} overrides it.
 */
public final class KafkaContainerEndpoint implements KafkaEndpoint, Startable {

    public static final String DEFAULT_IMAGE = "apache/kafka:4.3.1";

    private final KafkaContainer container;
    private Admin admin;

    public KafkaContainerEndpoint() {
        this(System.getProperty("tether.kafka.image", DEFAULT_IMAGE));
    }

    public KafkaContainerEndpoint(final String image) {
        this.container = new KafkaContainer(image);
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public synchronized void stop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        container.stop();
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientConfig());
        }
        return admin;
    }

    @Override
    public short replicationFactor() {
        return 1;
    }
}
