package io.tether.collector;

import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.Topics;
import io.tether.testkit.KafkaBrokerExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a collector publishes into, for tests: a real single-node broker with the six event topics and the real
 * schema registry in front of it, started once per test class.
 * {@code @RegisterExtension static final EventBroker KAFKA = new EventBroker();}
 */
public final class EventBroker implements BeforeAllCallback, AfterAllCallback {
    private final KafkaBrokerExtension kafka = KafkaBrokerExtension.singleNode();
    private SchemaRegistryServer registry;

    @Override
    public void beforeAll(final ExtensionContext context) {
        kafka.beforeAll(context);
        kafka.createTopics(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT);
        registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        if (registry != null) {
            registry.close();
        }
        kafka.afterAll(context);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }
}
