package io.tether.collector.trace;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A finished {@code tether trace} child JVM: exit code, stdout and stderr. */
record TraceRun(int code, String stdout, String stderr) {
    static TraceRun of(final List<String> args, final Map<String, String> env, final Path dir)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlogback.configurationFile=" + resource("/strace/logback-stderr.xml"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TraceMain.class.getName());
        command.addAll(args);
        final Path out = Files.createTempFile(dir, "trace", ".out");
        final Path err = Files.createTempFile(dir, "trace", ".err");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        final Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tether trace did not end within 120 s: " + Files.readString(err));
        }
        return new TraceRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Skips the calling test where strace is missing or ptrace is not permitted (e.g. some containers). */
    static Path requireStrace() throws IOException, InterruptedException {
        final Path strace = TraceSession.findStrace(System.getenv("PATH")).orElse(null);
        assumeTrue(strace != null, "strace is not installed: the trace mode cannot be tested here");
        final Process probe = new ProcessBuilder(strace.toString(), "-f", "-o", "/dev/null", "--", "true")
                .redirectErrorStream(true).start();
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "strace cannot trace here (ptrace not permitted?): " + output);
        return strace;
    }

    private static String resource(final String name) {
        try {
            return Path.of(TraceRun.class.getResource(name).toURI()).toString();
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
