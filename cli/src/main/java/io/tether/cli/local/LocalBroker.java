package io.tether.cli.local;

import io.tether.cli.TetherCli;

import io.tether.cli.UserException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.tether.cli.local.internals.BrokerMain;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) running as a child JVM on the classpath of
 * this one, with its data under {@code <dataDir>/kafka}. A child JVM keeps the broker's threads, heap and logs apart
 * from the rest of {@code tether local}; it stops on {@link #close()} and also when this JVM dies (see
 * {@link BrokerMain}).
 */
public final class LocalBroker implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final String bootstrapServers;
    private final Path logFile;

    private LocalBroker(final Process process, final String bootstrapServers, final Path logFile) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.logFile = logFile;
    }

    /**
     * Starts the broker process; {@link #awaitReady()} then waits until it answers. Split in two so the caller can
     * register the process for clean-up before waiting.
     *
     * @param host the address to listen on and advertise (loopback for {@code tether local})
     */
    public static LocalBroker start(final Path dataDir, final String host, final int kafkaPort, final int controllerPort)
            throws IOException {
        final Path kafkaDir = dataDir.resolve("kafka");
        final Path logs = dataDir.resolve("logs");
        Files.createDirectories(kafkaDir);
        Files.createDirectories(logs);
        final Path properties = dataDir.resolve("broker.properties");
        writeProperties(properties, brokerProperties(kafkaDir, host, kafkaPort, controllerPort));

        final Path logFile = logs.resolve("kafka.log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx1g");
        command.add("-XX:+UseG1GC");
        command.add("-Djava.awt.headless=true");
        // the broker's log file gets INFO and up; the launcher's console only warnings
        command.add("-Dtether.console.level=INFO");
        // its console is that log file, so it keeps the stack traces the launcher's console leaves out
        command.add("-D" + TetherCli.CONSOLE_EXCEPTIONS + "=%ex");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BrokerMain.class.getName());
        command.add(properties.toString());
        final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                // stdin stays a pipe held by this JVM: when it closes, the broker stops
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        final Process process = builder.start();
        return new LocalBroker(process, host + ":" + kafkaPort, logFile);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    static Properties brokerProperties(final Path kafkaDir, final String host, final int kafkaPort, final int controllerPort) {
        final Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        // static voters: the controller port may differ from one start to the next, nothing persists it
        p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + kafkaPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + kafkaPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", kafkaDir.toAbsolutePath().toString());
        // one node: every internal topic has replication factor 1, or consumer groups and transactions never form
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "3");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("log.retention.hours", "168");
        return p;
    }

    private static void writeProperties(final Path file, final Properties props) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "written by tether local on every start; edit the code, not this file");
        }
    }

    /** Returns once the broker answers a metadata request; fails with the log file named if it dies or stalls. */
    public void awaitReady() {
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new UserException("the Kafka broker exited during start-up (exit " + process.exitValue()
                            + "); see " + logFile);
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                            .get(4, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (final ExecutionException | TimeoutException e) {
                    // not up yet
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UserException("interrupted while waiting for the Kafka broker");
                }
                if (System.nanoTime() > deadline) {
                    throw new UserException("the Kafka broker did not become ready within " + READY_TIMEOUT.toSeconds()
                            + " s; see " + logFile);
                }
                sleep(250);
            }
        }
    }

    /** Stops the broker with SIGTERM (a clean shutdown that flushes its logs), forcibly if it takes too long. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while waiting for the Kafka broker");
        }
    }
}
