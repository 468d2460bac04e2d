package io.tether.cli;

import io.tether.schemas.serde.AvroSerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster and the schema registry are, for the sub-commands that talk to them. The defaults are the
 * endpoints of {@code tether local}.
 */
public final class ClusterOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
            description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
    String registry;

    public ClusterOptions() {
    }

    public ClusterOptions(final String bootstrap, final String registry) {
        this.bootstrap = bootstrap;
        this.registry = registry;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public String registry() {
        return registry;
    }

    /** Client configs: bootstrap servers plus the serde's registry URL. */
    public Map<String, Object> clientConfigs() {
        final Map<String, Object> configs = new HashMap<>();
        configs.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        configs.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry);
        return configs;
    }
}
