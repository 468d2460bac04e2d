package io.tether.streams.app;

import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;

/**
 * A {@link StreamsConfig} for checking and reading the settings before the app starts. The public constructor logs
 * the whole configuration; Kafka Streams logs it once more when it starts, which is the copy worth keeping.
 */
final class UnloggedStreamsConfig extends StreamsConfig {
    UnloggedStreamsConfig(final Map<?, ?> props) {
        super(props, false);
    }
}
