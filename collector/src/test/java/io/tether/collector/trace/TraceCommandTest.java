package io.tether.collector.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether trace} refuses what it cannot do with one clear line, before starting anything. */
class TraceCommandTest {
    @TempDir
    Path dir;

    @Test
    void withoutStraceItSaysSoAndHowToGetIt() throws Exception {
        final TraceRun run = TraceRun.of(List.of("--host-id", "h1", "--bootstrap", "127.0.0.1:1", "--registry",
                "http://127.0.0.1:1", "--", "/bin/true"), Map.of("PATH", dir.toString()), dir);
        assertEquals(1, run.code(), run.stderr());
        assertTrue(run.stderr().contains("strace is not installed (e.g. apt-get install strace)"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
    }

    @Test
    void anUnknownCommandExitsLikeAShellAndAMissingFlagIsAUsageError() throws Exception {
        TraceRun.requireStrace();
        final TraceRun unknown = TraceRun.of(List.of("--host-id", "h1", "--bootstrap", "127.0.0.1:1", "--registry",
                "http://127.0.0.1:1", "--", "no-such-command-x"), Map.of(), dir);
        assertEquals(127, unknown.code(), unknown.stderr());
        assertEquals(List.of("tether trace: cannot run 'no-such-command-x': command not found on the PATH"),
                unknown.stderr().lines().toList());
        final TraceRun missing = TraceRun.of(List.of("--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1",
                "--", "true"), Map.of(), dir);
        assertEquals(2, missing.code(), missing.stderr());
        assertTrue(missing.stderr().contains("Missing required option: '--host-id=H'"), missing.stderr());
        assertFalse(unknown.stderr().contains("\tat ") || missing.stderr().contains("\tat "));
    }
}
