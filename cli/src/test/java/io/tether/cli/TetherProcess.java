package io.tether.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs {@code tether ...} as a real child JVM (the main class bin/tether runs, on the test classpath) with its output
 * in a file that the test follows line by line (a file, not a pipe: the JDK may close a pipe under a reader when the
 * process exits and the last lines would be lost). Tears it down, children included, when the test is done.
 */
public final class TetherProcess implements AutoCloseable {
    private final Process process;
    private final Path outputFile;
    private final List<String> seen = new ArrayList<>();
    private long readOffset;
    private final StringBuilder partial = new StringBuilder();

    private TetherProcess(final Process process, final Path outputFile) {
        this.process = process;
        this.outputFile = outputFile;
    }

    public static TetherProcess start(final Path workDir, final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(testClasspath());
        command.add(TetherCli.class.getName());
        command.addAll(List.of(args));
        final Path output = Files.createTempFile("tether-process", ".out");
        final ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        return new TetherProcess(builder.start(), output);
    }

    /** Surefire may hide the real class path in a manifest-only jar; it publishes the real one in this property. */
    public static String testClasspath() {
        final String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Waits for a line matching {@code test}; fails with everything printed so far if it does not come. */
    public String awaitLine(final Predicate<String> test, final Duration limit) throws InterruptedException, IOException {
        final long deadline = System.nanoTime() + limit.toNanos();
        int checked = 0;
        while (true) {
            final boolean exited = !process.isAlive();
            readNew();
            for (; checked < seen.size(); checked++) {
                if (test.test(seen.get(checked))) {
                    return seen.get(checked);
                }
            }
            if (exited) {
                throw new AssertionError("tether exited with " + process.exitValue()
                        + " before the expected line; output:\n" + String.join("\n", seen));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected line did not appear within " + limit + "; output so far:\n"
                        + String.join("\n", seen));
            }
            Thread.sleep(200);
        }
    }

    /** All output up to now. */
    public List<String> output() throws IOException {
        readNew();
        return List.copyOf(seen);
    }

    private void readNew() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(outputFile.toFile(), "r")) {
            final long length = file.length();
            if (length <= readOffset) {
                return;
            }
            final byte[] bytes = new byte[(int) (length - readOffset)];
            file.seek(readOffset);
            file.readFully(bytes);
            readOffset = length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            seen.add(partial.substring(0, nl));
            partial.delete(0, nl + 1);
        }
    }

    public Process process() {
        return process;
    }

    /** Sends SIGTERM, as {@code kill PID} or a service manager would. */
    public void terminate() {
        process.destroy();
    }

    public boolean awaitExit(final Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitCode() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        final List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        for (final ProcessHandle child : family) {
            child.destroyForcibly();
        }
        Files.deleteIfExists(outputFile);
    }
}
