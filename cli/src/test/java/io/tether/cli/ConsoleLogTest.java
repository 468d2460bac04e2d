package io.tether.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The launcher's console (its logback.xml, as every command uses it): a warning that carries an exception shows
 * its message, not the stack trace. Seen in a user walk: a stream thread fenced under load printed Kafka's
 * TaskMigratedException with all its frames on {@code tether local}'s console, although Kafka Streams recovers.
 */
class ConsoleLogTest {
    @Test
    void aWarningWithAnExceptionShowsTheMessageWithoutFrames() {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger("org.apache.kafka.streams.processor.internals.StreamThread")
                    .warn("Detected that the thread is being fenced", new IllegalStateException("producer fenced",
                            new IllegalArgumentException("old epoch")));
        } finally {
            System.setErr(original);
        }
        final List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one line: " + lines);
        assertTrue(lines.get(0).contains("WARN") && lines.get(0).endsWith("- Detected that the thread is being fenced"),
                lines.get(0));
        assertFalse(lines.get(0).contains("IllegalStateException"), lines.get(0));
    }
}
