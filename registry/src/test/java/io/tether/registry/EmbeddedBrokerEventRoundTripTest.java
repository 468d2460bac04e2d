package io.tether.registry;

import io.tether.testkit.KafkaBrokerExtension;
import io.tether.testkit.KafkaEndpoint;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The round trips against the in-process KRaft broker: runs everywhere. */
class EmbeddedBrokerEventRoundTripTest extends AbstractEventRoundTripTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    @Override
    protected KafkaEndpoint kafka() {
        return KAFKA;
    }
}
