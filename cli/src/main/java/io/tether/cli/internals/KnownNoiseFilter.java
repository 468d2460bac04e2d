package io.tether.cli.internals;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps warnings a user can do nothing about off the console (they still reach {@code tether local}'s log file).
 * Kafka Streams 4.3 builds a {@code StreamsConfig} from each stream thread's consumer settings, which do not carry
 * {@code processing.exception.handler.global.enabled}, and warns that it is off although the app sets it on.
 */
public final class KnownNoiseFilter extends Filter<ILoggingEvent> {
    private static final String STREAMS_CONFIG = "org.apache.kafka.streams.StreamsConfig";
    private static final String GLOBAL_HANDLER_WARNING = "Processing exception handler is not enabled for the GlobalThread";

    @Override
    public FilterReply decide(final ILoggingEvent event) {
        final String message = event.getMessage();
        return STREAMS_CONFIG.equals(event.getLoggerName()) && message != null
            && message.startsWith(GLOBAL_HANDLER_WARNING) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
