package io.tether.collector.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the probe's C test program, with or without the probe, and keeps its output, exit code and pid. */
record ProbedRun(long pid, int exitCode, String stdout) {
    static final Path EXERCISE = Path.of("target/native-test/probe_exercise").toAbsolutePath();

    /** @param preload the library to LD_PRELOAD, or null; @param channel the TETHER_CHANNEL value, or null */
    static ProbedRun run(final Path preload, final String channel, final String... args) throws IOException,
            InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(EXERCISE.toString());
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        final Map<String, String> env = pb.environment();
        env.remove("LD_PRELOAD");
        env.remove(ProbeChannel.ENV_CHANNEL);
        if (preload != null) {
            env.put("LD_PRELOAD", preload.toString());
        }
        if (channel != null) {
            env.put(ProbeChannel.ENV_CHANNEL, channel);
        }
        final Process p = pb.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("probe_exercise " + String.join(" ", args) + " did not finish");
        }
        return new ProbedRun(p.pid(), p.exitValue(), out);
    }

    /** Starts the probed program without waiting for it (its stdin is a pipe the caller closes to end "wait"). */
    static Process start(final ProbeChannel channel, final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(EXERCISE.toString());
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("LD_PRELOAD", ProbeLibrary.require().toString());
        pb.environment().put(ProbeChannel.ENV_CHANNEL, channel.path().toString());
        return pb.start();
    }

    static ProbedRun probed(final ProbeChannel channel, final String... args) throws IOException,
            InterruptedException {
        return run(ProbeLibrary.require(), channel.path().toString(), args);
    }
}
