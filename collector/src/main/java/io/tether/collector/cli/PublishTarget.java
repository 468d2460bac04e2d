package io.tether.collector.cli;

import io.tether.collector.CollectorConfig;
import io.tether.schemas.serde.SchemaRegistryClients;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of every command that publishes events itself ({@code collect}, {@code trace}): which host the events
 * are from and where they go. A picocli mixin, so the flags read and behave the same in both.
 */
public final class PublishTarget {
    @Option(names = "--host-id", required = true, paramLabel = "H", description = "Id of this host in the events.")
    String hostId;

    @Option(names = "--bootstrap", required = true, paramLabel = "B", description = "Kafka bootstrap servers (host:port,...).")
    String bootstrap;

    @Option(names = "--registry", required = true, paramLabel = "R", description = "Schema registry URL (http://host:port).")
    String registry;

    @Option(names = "--producer-config", paramLabel = "KEY=VALUE",
            description = "Extra Kafka producer setting (repeatable), e.g. security.protocol=SSL.")
    Map<String, String> producerConfigs = new LinkedHashMap<>();

    String hostId() {
        return hostId;
    }

    /**
     * A collector configuration for these options, with the defaults for everything else; a bad option is an
     * IllegalArgumentException naming it (the commands turn it into a usage error). The registry URL is checked
     * here because the collector itself meets it only when it starts, as a Kafka ConfigException.
     */
    CollectorConfig config() {
        try {
            SchemaRegistryClients.parseUrls(registry);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException("--registry expects http(s)://host:port (comma-separated for several), got '"
                    + registry + "'", e);
        }
        return CollectorConfig.of(hostId, bootstrap, registry).withProducerConfigs(new HashMap<>(producerConfigs));
    }
}
