package io.tether.cli.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownNoiseFilterTest {

    @Test
    void theConsoleDropsOnlyTheGlobalHandlerWarningOfStreamsConfig() {
        final LoggerContext context = new LoggerContext();
        final ListAppender<ILoggingEvent> console = new ListAppender<>();
        console.setContext(context);
        final KnownNoiseFilter filter = new KnownNoiseFilter();
        filter.start();
        console.addFilter(filter);
        console.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(console);

        final Logger streamsConfig = context.getLogger("org.apache.kafka.streams.StreamsConfig");
        streamsConfig.setLevel(Level.WARN);
        streamsConfig.warn("Processing exception handler is not enabled for the GlobalThread. It's recommended ...");
        streamsConfig.warn("Unknown configuration 'foo' was supplied");
        context.getLogger("io.tether.Other").warn("Processing exception handler is not enabled for the GlobalThread.");

        assertEquals(List.of("Unknown configuration 'foo' was supplied",
                "Processing exception handler is not enabled for the GlobalThread."),
            console.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
