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
    void theConsoleDropsOnlyTheKnownNoiseOfEachLogger() {
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
        // seen at every 'tether replay' (its state dir is a fresh temporary one on purpose)
        final Logger stateDirectory = context.getLogger("org.apache.kafka.streams.processor.internals.StateDirectory");
        stateDirectory.warn("Using an OS temp directory in the state.dir property can cause failures ... Resolved state.dir: [{}]",
                "/tmp/tether-replay1");
        stateDirectory.warn("Failed to delete state store directory of /x for it is not empty");
        final Logger sender = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");
        sender.warn("[Producer clientId=p] Got error produce response with correlation id {} on topic-partition {}, "
                + "retrying ({} attempts left). Error: {}", 13, "t-0", 2147483646, "CONCURRENT_TRANSACTIONS");
        sender.warn("[Producer clientId=p] Got error produce response with correlation id {} on topic-partition {}, "
                + "retrying ({} attempts left). Error: {}", 14, "t-0", 2, "NOT_ENOUGH_REPLICAS");

        assertEquals(List.of("Unknown configuration 'foo' was supplied",
                "Processing exception handler is not enabled for the GlobalThread.",
                "Failed to delete state store directory of /x for it is not empty",
                "[Producer clientId=p] Got error produce response with correlation id 14 on topic-partition t-0, "
                        + "retrying (2 attempts left). Error: NOT_ENOUGH_REPLICAS"),
            console.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }
}
