package io.tether.registry;

import io.tether.testkit.KafkaContainerEndpoint;
import io.tether.testkit.KafkaEndpoint;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same round trips against Kafka in Docker; skipped when no Docker engine is available. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerBrokerEventRoundTripTest extends AbstractEventRoundTripTest {

    @Container
    static final KafkaContainerEndpoint KAFKA = new KafkaContainerEndpoint();

    @Override
    protected KafkaEndpoint kafka() {
        return KAFKA;
    }
}
