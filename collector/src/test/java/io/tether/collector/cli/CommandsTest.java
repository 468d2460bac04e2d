package io.tether.collector.cli;

import io.tether.collector.CollectorConfig;
import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.collector.support.CollectorProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector's sub-commands as a user types them: bad input gets a clear message, 'run' is transparent. */
class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void everyBadCollectFlagGetsAClearMessageAndNoStackTrace() {
        assertError(List.of("--bootstrap", "b:9092", "--registry", "http://r:8081"), "Missing required option: '--host-id=H'");
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--scan-interval", "soon"),
                "'soon' is not a duration; use a whole number with a unit ms, s, m, h or d (500ms, 30s, 5m, 2h, 1d), 0,"
                        + " or ISO-8601 (PT30S, P1D)");
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--scan-interval", "-2s"),
                "'-2s' is not a duration (it is negative)");
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--scan-interval", "5ms"),
                "scan interval must be 0 (off) or at least 100 ms, got 5 ms");
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--netns", "no-such-ns-x"),
                "unknown network namespace 'no-such-ns-x' (no /run/netns/no-such-ns-x; see 'ip netns list')");
        assertError(List.of("--host-id", "a@b", "--bootstrap", "b:9092", "--registry", "http://r:8081"),
                "host id 'a@b' must not contain '@', '|', '/' or surrounding blanks");
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--netns", "x",
                "--all-netns"), "--netns=NAME, --all-netns are mutually exclusive");
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--metrics-port", "70000"),
                "metrics port must be 0..65535, got 70000");
        // a collector meets its registry URL only when it starts: it was "collect failed: ...ConfigException", exit 1
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "notaurl"),
                "--registry expects http(s)://host:port (comma-separated for several), got 'notaurl'");
    }

    @Test
    void theScanIntervalTakesTheSharedDurationGrammarAndZeroTurnsScanningOff() {
        assertEquals(Duration.ZERO, scanInterval("0"));
        assertEquals(Duration.ZERO, scanInterval("0s"));
        assertEquals(Duration.ofMillis(500), scanInterval("500MS"));
        assertEquals(Duration.ofDays(1), scanInterval("1d"));
        assertEquals(Duration.ofSeconds(30), scanInterval("PT30S"));
        assertEquals(CollectorConfig.DEFAULT_SCAN_INTERVAL, scanInterval(), "the flag's default goes through it too");
    }

    @Test
    void theMetricsEndpointBindsLoopbackUnlessAHostIsGiven() {
        final List<String> base = List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081",
                "--metrics-port", "0");
        final CollectCommand byDefault = new CollectCommand();
        new CommandLine(byDefault).parseArgs(base.toArray(String[]::new));
        assertEquals("127.0.0.1", byDefault.config().metricsHost());
        final List<String> wide = new ArrayList<>(base);
        wide.addAll(List.of("--metrics-host", "0.0.0.0"));
        final CollectCommand asked = new CollectCommand();
        new CommandLine(asked).parseArgs(wide.toArray(String[]::new));
        assertEquals("0.0.0.0", asked.config().metricsHost());
        assertError(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry", "http://r:8081", "--metrics-host", " "),
                "metrics host must be an address or host name to bind to (e.g. 127.0.0.1, or 0.0.0.0 for every interface), got ' '");
    }

    private static Duration scanInterval(final String... flag) {
        final List<String> args = new ArrayList<>(List.of("--host-id", "h1", "--bootstrap", "b:9092", "--registry",
                "http://r:8081"));
        if (flag.length > 0) {
            args.addAll(List.of("--scan-interval", flag[0]));
        }
        final CollectCommand command = new CollectCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command.config().scanInterval();
    }

    private static void assertError(final List<String> args, final String expected) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new CollectCommand()).setErr(new PrintWriter(err));
        final int code = cli.execute(args.toArray(String[]::new));
        assertEquals(2, code, err.toString());
        // the first line says what is wrong (the cli module's launcher prints only that line; picocli adds usage)
        final String firstLine = err.toString().lines().findFirst().orElse("");
        assertTrue(firstLine.contains(expected), "expected '" + expected + "', got: " + err);
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void withNoCollectorRunningAProbedCommandHasTheSameOutputAndExitCode() throws Exception {
        final Path input = Files.writeString(dir.resolve("input.txt"), "line one\nline two\n");
        final List<String> command = List.of("sh", "-c", "echo started; cat " + input + "; echo to-stderr >&2; "
                + "echo written > " + dir.resolve("out.txt") + "; exit 7");
        final Result direct = run(command);
        final List<String> viaRun = new ArrayList<>(List.of("run", "--host-id", "nobody-listens",
                "--channel-dir", dir.resolve("no-channels").toString(), "--"));
        viaRun.addAll(command);
        final Result probed = run(CollectorProcess.javaCommand(viaRun));

        assertEquals(7, direct.code);
        assertEquals(direct.code, probed.code, probed.stderr);
        assertEquals(direct.stdout, probed.stdout);
        assertTrue(probed.stderr.contains("to-stderr"), probed.stderr);
        assertEquals("written\n", Files.readString(dir.resolve("out.txt")));
    }

    @Test
    void aSignalToTetherRunReachesTheCommandAndItsExitStatusComesBack() throws Exception {
        final Process run = new ProcessBuilder(CollectorProcess.javaCommand(List.of("run", "--host-id", "sig",
                "--channel-dir", dir.toString(), "--", "sh", "-c", "echo up; exec sleep 60")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final byte[] up = new byte[3];
        assertEquals(3, run.getInputStream().readNBytes(up, 0, 3), "the command started");
        run.destroy(); // SIGTERM to 'tether run'
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertEquals(128 + 15, run.exitValue(), "ended by SIGTERM, as the command was");
    }

    @Test
    void probePathPrintsTheLibraryThatRunPreloads() throws Exception {
        final StringWriter out = new StringWriter();
        final int code = new CommandLine(new ProbePathCommand()).setOut(new PrintWriter(out)).execute();
        assertEquals(0, code);
        final Path printed = Path.of(out.toString().strip());
        assertTrue(printed.isAbsolute() && Files.isRegularFile(printed), printed.toString());
        assertEquals(ProbeLibrary.FILE_NAME, printed.getFileName().toString());
        // the printed library is a working probe: a program preloaded with it by hand runs as without it
        final ProcessBuilder preloaded = new ProcessBuilder("sh", "-c", "echo $((6 * 7)); exit 3");
        preloaded.environment().put("LD_PRELOAD", printed.toString());
        preloaded.environment().put(ProbeChannel.ENV_CHANNEL, dir.resolve("no-channel.ring").toString());
        final Process p = preloaded.redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), output);
        assertEquals("42\n", output, "the loader accepted the library without a warning");
    }

    @Test
    void aCommandThatCannotRunEndsTetherRunWithAShellsExitCodeAndOneLine() throws Exception {
        final Path notExecutable = Files.writeString(dir.resolve("data.txt"), "echo never\n");
        final Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
        final List<List<String>> cases = List.of(
                List.of(dir.resolve("nonexistent").toString()),
                List.of("no-such-command-x"),
                List.of(notExecutable.toString()),
                List.of(dir.toString()));
        final List<Integer> shellCodes = new ArrayList<>();
        final List<Integer> runCodes = new ArrayList<>();
        for (final List<String> command : cases) {
            // what a shell answers for the same command, with the same PATH
            final ProcessBuilder shell = new ProcessBuilder("sh", "-c", "exec \"$0\"", command.get(0));
            shell.environment().put("PATH", emptyPath.toString());
            final Process sh = shell.redirectErrorStream(true).start();
            sh.getInputStream().readAllBytes();
            assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
            shellCodes.add(sh.exitValue());

            final List<String> viaRun = new ArrayList<>(List.of("run", "--host-id", "nobody-listens",
                    "--channel-dir", dir.resolve("no-channels").toString(), "--"));
            viaRun.addAll(command);
            final ProcessBuilder run = new ProcessBuilder(CollectorProcess.javaCommand(viaRun));
            run.environment().put("PATH", emptyPath.toString());
            final Result probed = run(run);
            runCodes.add(probed.code);
            final List<String> errLines = probed.stderr.lines().toList();
            assertEquals(1, errLines.size(), "one line: " + probed.stderr);
            assertTrue(errLines.get(0).startsWith("tether run: cannot run '" + command.get(0) + "': "), probed.stderr);
            assertEquals("", probed.stdout);
        }
        assertEquals(List.of(127, 127, 126, 126), shellCodes, "what sh says");
        assertEquals(shellCodes, runCodes, "tether run says the same");
    }

    private record Result(int code, String stdout, String stderr) {
    }

    private static Result run(final List<String> command) throws Exception {
        return run(new ProcessBuilder(command));
    }

    private static Result run(final ProcessBuilder builder) throws Exception {
        final Process p = builder.start();
        final byte[] out = p.getInputStream().readAllBytes();
        final byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
