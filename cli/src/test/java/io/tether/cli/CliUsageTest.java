package io.tether.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad command lines: non-zero exit, ONE line that says what is wrong, then the usage of the mistyped command. */
class CliUsageTest {
    private record Result(int code, List<String> err, String out) {
    }

    private static Result run(final String... args) {
        final CommandLine cli = TetherCli.commandLine();
        final StringWriter err = new StringWriter();
        final StringWriter out = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        final int code = cli.execute(args);
        return new Result(code, err.toString().lines().toList(), out.toString());
    }

    private static void assertOneLineThenUsage(final Result r, final String usageOf, final String... mentions) {
        assertEquals(TetherCli.USAGE_ERROR, r.code(), String.join("\n", r.err()));
        final String first = r.err().get(0);
        assertTrue(first.startsWith("tether: "), first);
        for (final String m : mentions) {
            assertTrue(first.contains(m), "'" + first + "' should mention '" + m + "'");
        }
        assertTrue(r.err().get(1).startsWith("Usage: " + usageOf), r.err().get(1));
    }

    @Test
    void unknownFlagNamesTheFlag() {
        assertOneLineThenUsage(run("local", "--bogus"), "tether local", "--bogus");
    }

    @Test
    void unknownSubCommand() {
        assertOneLineThenUsage(run("frobnicate"), "tether", "frobnicate");
    }

    @Test
    void aMistypedSubCommandIsNamedUnknownWithTheClosestCommands() {
        final Result r = run("qurey", "/usr/sbin/nginx@web-1");
        assertOneLineThenUsage(r, "tether", "unknown command 'qurey'", "did you mean query");
        assertFalse(r.err().get(0).contains("Unmatched"), r.err().get(0));
    }

    @Test
    void badDurationNamesOptionAndValue() {
        assertOneLineThenUsage(run("local", "--window", "5x"), "tether local", "--window", "'5x' is not a duration",
                "500ms, 30s, 5m, 2h, 1d");
        assertOneLineThenUsage(run("replay", "--from-topics", "--window", "-1h"), "tether replay", "--window",
                "'-1h' is not a duration (it is negative)");
        assertOneLineThenUsage(run("demo", "--duration", "99999999999d"), "tether demo", "--duration",
                "longer than the maximum");
    }

    @Test
    void aWindowOfZeroIsRefused() {
        assertOneLineThenUsage(run("local", "--window", "0s"), "tether local", "--window",
                "'0s' is zero, but this needs a duration greater than zero");
    }

    @Test
    void badPortNamesOption() {
        assertOneLineThenUsage(run("local", "--kafka-port", "70000"), "tether local", "--kafka-port", "70000");
    }

    @Test
    void programAtHostMustBeAbsoluteProgramAndHost() {
        assertOneLineThenUsage(run("watch", "--ap", "nginx@web-1"), "tether watch", "absolute");
        assertOneLineThenUsage(run("watch", "--ap", "/usr/sbin/nginx"), "tether watch", "program@hostId");
    }

    @Test
    void aTopicNameKafkaWouldRefuseIsAUsageError() {
        assertOneLineThenUsage(run("watch", "--topic", ""), "tether watch", "--topic", "the empty string is not allowed");
        assertOneLineThenUsage(run("watch", "--topic", "sets of mine"), "tether watch", "--topic", "sets of mine");
    }

    @Test
    void badTimeNamesOption() {
        assertOneLineThenUsage(run("record", "--out", "x.avro", "--since", "yesterday"), "tether record", "--since", "yesterday");
        // an age is a duration, but a bare 0 is neither an age nor epoch milliseconds
        assertOneLineThenUsage(run("record", "--out", "x.avro", "--since", "0"), "tether record", "--since",
                "'0' is not a time");
    }

    @Test
    void missingRequiredOption() {
        assertOneLineThenUsage(run("record"), "tether record", "--out");
    }

    @Test
    void helpIsNotAnError() {
        final Result r = run("local", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--data-dir"), r.out());
    }

    @Test
    void aDataDirThatCannotBeCreatedIsOneLineNamingTheFlag(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        for (final Path dataDir : List.of(file, file.resolve("below-a-file"))) {
            final Result r = run("local", "--data-dir", dataDir.toString(), "--no-collector",
                    "--kafka-port", "0", "--registry-port", "0", "--http-port", "0");
            assertEquals(1, r.code(), String.join("\n", r.err()));
            assertEquals(1, r.err().size(), "one line: " + r.err());
            final String line = r.err().get(0);
            assertTrue(line.startsWith("tether: cannot use " + dataDir + " as the data dir (--data-dir): "), line);
            assertFalse(line.contains("Exception"), line);
        }
        assertEquals("not a directory", Files.readString(file), "the file in the way is left alone");
    }

    @Test
    void theCommandListGivesEachCommandAWholeSentence() {
        // 'tether --help' shows the first description line of each sub-command: a line cut mid-sentence reads as
        // nonsense there ("per source host the processes to")
        for (final CommandLine sub : TetherCli.commandLine().getSubcommands().values()) {
            final String[] description = sub.getCommandSpec().usageMessage().description();
            assertTrue(description.length > 0, sub.getCommandName());
            assertTrue(description[0].strip().endsWith("."), sub.getCommandName() + ": '" + description[0] + "'");
        }
    }

    @Test
    void everySubCommandPrintsTheVersion() {
        final String expected = run("--version").out().strip();
        assertTrue(expected.startsWith("tether "), expected);
        for (final String sub : TetherCli.commandLine().getSubcommands().keySet()) {
            if (sub.equals("help")) {
                continue;
            }
            final Result r = run(sub, "--version");
            assertEquals(0, r.code(), sub + ": " + r.err());
            assertEquals(expected, r.out().strip(), "tether " + sub + " --version");
        }
    }

    @Test
    void theLauncherProcessExitsNonZeroWithOneLine(@TempDir final Path dir) throws Exception {
        try (TetherProcess p = TetherProcess.start(dir, "local", "--no-such-flag")) {
            assertTrue(p.awaitExit(Duration.ofMinutes(1)));
            assertEquals(TetherCli.USAGE_ERROR, p.exitCode());
            final List<String> output = p.output();
            assertEquals("tether: Unknown option: '--no-such-flag'", output.get(0));
            assertTrue(output.get(1).startsWith("Usage: tether local"), output.get(1));
        }
    }
}
