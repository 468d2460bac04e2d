package io.tether.cli.internals;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;

/**
 * Keeps warnings a user can do nothing about off the console (they still reach {@code tether local}'s log file).
 * <ul>
 * <li>Kafka Streams 4.3 builds a {@code StreamsConfig} from each stream thread's consumer settings, which do not
 * carry {@code processing.exception.handler.global.enabled}, and warns that it is off although the app sets it on.
 * <li>{@code tether replay} keeps its application's state in a fresh temporary directory on purpose (it is deleted
 * afterwards), which Kafka Streams warns about at every replay.
 * <li>A transactional producer retries a produce that meets the previous transaction still completing
 * (CONCURRENT_TRANSACTIONS), which the producer logs as a warning per partition while a replay starts.
 * </ul>
 */
public final class KnownNoiseFilter extends Filter<ILoggingEvent> {
    private record Noise(String logger, String fragment) {
        boolean matches(final ILoggingEvent event) {
            // formatted: a fragment may come from an argument ("... Error: {}")
            final String message = logger.equals(event.getLoggerName()) ? event.getFormattedMessage() : null;
            return message != null && message.contains(fragment);
        }
    }

    private static final List<Noise> NOISE = List.of(
        new Noise("org.apache.kafka.streams.StreamsConfig", "Processing exception handler is not enabled for the GlobalThread"),
        new Noise("org.apache.kafka.streams.processor.internals.StateDirectory", "Using an OS temp directory in the state.dir"),
        new Noise("org.apache.kafka.clients.producer.internals.Sender", "Error: CONCURRENT_TRANSACTIONS"));

    @Override
    public FilterReply decide(final ILoggingEvent event) {
        return NOISE.stream().anyMatch(noise -> noise.matches(event)) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
