package io.tether.collector.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The small test programs under src/test/resources/programs and the interpreter that runs them. */
public final class Programs {
    private static volatile String python;

    private Programs() {
    }

    /** The real python3 executable (resolving wrappers such as pyenv shims, so /proc/PID/exe matches it). */
    public static String python() throws IOException, InterruptedException {
        if (python == null) {
            final Process p = new ProcessBuilder("python3", "-c",
                    "import os,sys; print(os.path.realpath(sys.executable))").redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 is needed for the test programs");
            python = out;
        }
        return python;
    }

    /** Absolute path of a test program script. */
    public static Path script(final String name) {
        try {
            return Path.of(Programs.class.getResource("/programs/" + name).toURI()).toAbsolutePath();
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code command}, waits (bounded) for its first stdout line and returns both. */
    public static Running start(final List<String> command) throws IOException {
        return startWith(new ProcessBuilder(command));
    }

    /** Starts a prepared process builder (e.g. with extra environment), waiting for its first line like {@link #start}. */
    public static Running startWith(final ProcessBuilder builder) throws IOException {
        final List<String> command = builder.command();
        final Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final String[] line = new String[1];
        final Thread reader = new Thread(() -> {
            try {
                line[0] = out.readLine();
            } catch (final IOException e) {
                line[0] = null;
            }
        });
        reader.start();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(30));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (line[0] == null) {
            process.destroyForcibly();
            throw new IOException("program did not report ready: " + command);
        }
        return new Running(process, line[0]);
    }

    /** A started program and its first output line; closing kills it. */
    public record Running(Process process, String firstLine) implements AutoCloseable {
        public int pid() {
            return (int) process.pid();
        }

        /** Whitespace-separated word {@code i} of the first line. */
        public String word(final int i) {
            return firstLine.split("\\s+")[i];
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
