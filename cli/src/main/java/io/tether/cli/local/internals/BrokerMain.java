package io.tether.cli.local.internals;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Main class of the broker child JVM that {@code tether local} starts: one KRaft node that is broker and controller
 * at once. Formats the storage on first start (with Kafka's own StorageTool, as {@code kafka-storage.sh format}
 * would), then runs {@link KafkaRaftServer}.
 *
 * <p>It dies with its parent: the parent holds the write end of this process's stdin, and end-of-file on stdin
 * (the parent exited, even by SIGKILL) shuts the broker down. SIGTERM shuts it down the same way.
 *
 * <p>Argument: the path of the server.properties file the parent wrote.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BrokerMain <server.properties>");
            System.exit(2);
        }
        final Path propertiesFile = Path.of(args[0]);
        final Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        final Path logDir = Path.of(props.getProperty("log.dirs"));
        formatIfNew(propertiesFile, logDir);

        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        final AtomicBoolean stopping = new AtomicBoolean();
        final Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                server.shutdown();
                server.awaitShutdown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "broker-shutdown"));
        watchParent();
        server.startup();
        System.out.println("tether-broker: started");
        System.out.flush();

        server.awaitShutdown();
    }

    /** Started before the server, so that a parent that dies while the broker is still starting takes it along. */
    private static void watchParent() {
        final Thread parentWatch = new Thread(() -> {
            awaitEndOfInput(System.in);
            System.out.println("tether-broker: parent gone, shutting down");
            System.out.flush();
            // if a clean shutdown hangs (e.g. interrupted start-up), do not outlive the parent for long
            final Thread halt = new Thread(() -> {
                sleepQuietly(30_000);
                Runtime.getRuntime().halt(1);
            }, "halt-timer");
            halt.setDaemon(true);
            halt.start();
            // System.exit runs the shutdown hook, which stops the server
            System.exit(0);
        }, "parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
    }

    private static void sleepQuietly(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void formatIfNew(final Path propertiesFile, final Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        final String clusterId = Uuid.randomUuid().toString();
        final int rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString()},
                System.out);
        if (rc != 0) {
            System.err.println("tether-broker: formatting storage in " + logDir + " failed (exit " + rc + ")");
            System.exit(1);
        }
    }

    private static void awaitEndOfInput(final InputStream in) {
        final byte[] buffer = new byte[64];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; anything read is ignored
            }
        } catch (final IOException e) {
            // a broken pipe means the same as end of input: the parent is gone
        }
    }
}
