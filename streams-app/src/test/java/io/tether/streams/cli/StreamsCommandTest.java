package io.tether.streams.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether streams} refuses bad flags and configuration with a clear message, before touching Kafka. */
class StreamsCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String err) {
    }

    static Run run(final String... args) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new StreamsCommand());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void missingRequiredSettingsAreNamed() {
        final Run run = run("--registry", "http://127.0.0.1:8081");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("bad configuration") && run.err().contains("bootstrap.servers"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void badValuesAreNamed() {
        final Run port = run("--bootstrap", "127.0.0.1:9", "--registry", "http://127.0.0.1:8081", "--http-port", "99999");
        assertEquals(2, port.exit());
        assertTrue(port.err().contains("http.port"), port.err());

        final Run registry = run("--bootstrap", "127.0.0.1:9", "--registry", "registry:8081");
        assertEquals(2, registry.exit());
        assertTrue(registry.err().contains("expected http(s)://host:port"), registry.err());

        final Run window = run("--bootstrap", "127.0.0.1:9", "--registry", "http://r:1", "--evidence-window", "a while");
        assertEquals(2, window.exit());
        assertTrue(window.err().contains("'a while' is not a duration; use a whole number with a unit ms, s, m, h or d"),
            window.err());

        final Run zeroWindow = run("--bootstrap", "127.0.0.1:9", "--registry", "http://r:1", "--evidence-window", "0");
        assertEquals(2, zeroWindow.exit());
        assertTrue(zeroWindow.err().contains("'0' is zero, but this needs a duration greater than zero"), zeroWindow.err());
        assertFalse(zeroWindow.err().contains("Exception"), zeroWindow.err());

        final Run file = run("--config", dir.resolve("missing.properties").toString());
        assertEquals(2, file.exit());
        assertTrue(file.err().contains("config file not found"), file.err());
    }

    @Test
    void flagsBecomeConfigurationKeys() {
        final StreamsCommand command = new StreamsCommand();
        new CommandLine(command).parseArgs("--bootstrap", "b:9092", "--registry", "http://r:8081", "--http-port", "0",
            "--evidence-window", "2H", "--standby-replicas", "2", "-D", "num.stream.threads=3");
        final var keys = command.overrides();
        assertEquals("b:9092", keys.get("bootstrap.servers"));
        assertEquals("http://r:8081", keys.get("schema.registry.url"));
        assertEquals("0", keys.get("http.port"));
        assertEquals(Long.toString(Duration.ofHours(2).toMillis()), keys.get("evidence.window.ms"));
        assertEquals("2", keys.get("num.standby.replicas"));
        assertEquals("3", keys.get("num.stream.threads"));
    }
}
