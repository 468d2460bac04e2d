package io.tether.collector.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code tether collect} (or {@code tether run}) in a child JVM, with its output in a file. */
public final class CollectorProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final Path log;

    private CollectorProcess(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    /** The command line of a child JVM running {@link CollectMain} with {@code args}. */
    public static List<String> javaCommand(final List<String> args) {
        return javaCommand(CollectMain.class, args);
    }

    /** The command line of a child JVM running {@code main} (a class of this classpath) with {@code args}. */
    public static List<String> javaCommand(final Class<?> main, final List<String> args) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        return command;
    }

    public static CollectorProcess start(final List<String> args, final Path log) throws IOException {
        return start(CollectMain.class, args, log);
    }

    /** Starts {@code main} in a child JVM; it must print "metrics on port N" like {@code tether collect}. */
    public static CollectorProcess start(final Class<?> main, final List<String> args, final Path log)
            throws IOException {
        final Process process = new ProcessBuilder(javaCommand(main, args)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new CollectorProcess(process, log);
    }

    public Process process() {
        return process;
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The metrics port the collector printed ("metrics on port N"), waiting up to 60 s. */
    public int metricsPort() throws IOException, InterruptedException {
        final Pattern line = Pattern.compile("metrics on port (\\d+)");
        for (int i = 0; i < 600; i++) {
            final Matcher m = line.matcher(output());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("collector exited: " + output());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("collector did not report its metrics port: " + output());
    }

    /** One counter of the collector's Prometheus endpoint (summed over tags). */
    public static double metric(final int port, final String name) throws IOException, InterruptedException {
        final String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        boolean found = false;
        for (final String l : body.split("\n")) {
            if (l.startsWith(name + "{") || l.startsWith(name + " ")) {
                sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no metric " + name + " in:\n" + body);
        }
        return sum;
    }

    /** A condition a test waits for while the collector runs. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /** Waits until {@code check} holds, failing at once if the collector dies, and after 180 s. */
    public void waitFor(final Check check) throws Exception {
        // generous: on a loaded 2-core machine a cold collector JVM needs tens of seconds for its first records
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() - deadline < 0) {
            if (check.holds()) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("collector died:\n" + output());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("condition not reached in 180 s; collector output:\n" + output());
    }

    /** SIGTERM, then wait (bounded) for the orderly shutdown. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
