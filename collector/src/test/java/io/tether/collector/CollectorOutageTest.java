package io.tether.collector;

import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.collector.support.CollectorProcess;
import io.tether.collector.support.Programs;
import io.tether.collector.support.PublishedEvents;
import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.Topics;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.OpenEvent;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector is stopped and Kafka goes down while a probed program keeps working; a new collector starts while
 * Kafka is still down and spools; when Kafka is back, every event arrives: every file the program opened, every
 * sequence number of both runs without a gap, and duplicates only as exact copies of the same (host, run, sequence).
 */
class CollectorOutageTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    @TempDir
    Path dir;

    private Process worker;

    @org.junit.jupiter.api.AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroyForcibly();
            worker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nothingIsLostWhenTheCollectorIsKilledAndKafkaIsDownWhileAProgramKeepsWorking() throws Exception {
        KAFKA.createTopics(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT);
        final String hostId = "outage-" + Long.toString(System.nanoTime(), 36);
        final Path work = Files.createDirectories(dir.resolve("work"));
        final Path channels = dir.resolve("channels");
        final List<String> collectArgs = List.of("collect", "--host-id", hostId, "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", "", "--channel-dir", channels.toString(), "--spool-dir", dir.resolve("spool").toString(),
                "--scan-interval", "0s", "--metrics-port", "0",
                "--producer-config", "delivery.timeout.ms=4000", "--producer-config", "request.timeout.ms=2000",
                "--producer-config", "linger.ms=5");
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(KAFKA.bootstrapServers(), 0)) {
            final List<String> args = new ArrayList<>(collectArgs);
            args.set(args.indexOf("--registry") + 1, registry.url());
            final long firstRunSent;
            try (CollectorProcess first = CollectorProcess.start(args, dir.resolve("collector-1.log"))) {
                final int port = first.metricsPort();
                final ProcessBuilder builder = new ProcessBuilder(Programs.python(),
                        Programs.script("steady_worker.py").toString(), work.toString(), "0.05");
                builder.environment().put("LD_PRELOAD", ProbeLibrary.require().toString());
                builder.environment().put(ProbeChannel.ENV_CHANNEL,
                        CollectorConfig.channelFile(channels, hostId).toString());
                worker = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
                first.waitFor(() -> CollectorProcess.metric(port, "tether_collector_events_sent_total") >= 20);

                KAFKA.stopBroker(0);
                Thread.sleep(1_500); // the worker keeps opening files; the collector cannot deliver them
                firstRunSent = (long) CollectorProcess.metric(port, "tether_collector_events_sent_total");
                // an orderly stop: the JVM reports SIGTERM as 128+15 after the shutdown hook closed the collector
                assertEquals(128 + 15, first.terminate(), first.output());
                assertTrue(first.output().contains("stopped: seen="), first.output());
                assertTrue(first.output().contains("spooling"), "the first run noticed the outage:\n" + first.output());
            }
            Thread.sleep(1_000); // neither a collector nor Kafka: only the probe's ring holds the events

            try (CollectorProcess second = CollectorProcess.start(args, dir.resolve("collector-2.log"))) {
                final int port = second.metricsPort();
                Thread.sleep(1_500); // Kafka still down: the second run spools
                KAFKA.startBroker(0);
                Files.writeString(work.resolve("stop"), "");
                final String opened;
                try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream()))) {
                    assertEquals("ready", out.readLine());
                    opened = out.readLine();
                }
                assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
                final int files = Integer.parseInt(opened.split(" ")[1]);
                second.waitFor(() -> CollectorProcess.metric(port, "tether_collector_spool_backlog") == 0
                        && CollectorProcess.metric(port, "tether_collector_events_seen_total") > 0);
                Thread.sleep(500);
                second.waitFor(() -> CollectorProcess.metric(port, "tether_collector_spool_backlog") == 0);
                final long secondSeen = (long) CollectorProcess.metric(port, "tether_collector_events_seen_total");
                final long secondCoalesced = (long) CollectorProcess.metric(port, "tether_collector_events_coalesced_total");
                assertEquals(0, (long) CollectorProcess.metric(port, "tether_collector_events_dropped_total"));

                try (PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), registry.url())) {
                    final List<ConsumerRecord<String, Object>> records = published.until(
                            r -> openedFiles(r, hostId, work).size() >= files
                                    && runSizes(r, hostId).contains(secondSeen - secondCoalesced), Duration.ofSeconds(90));
                    assertEquals(files, openedFiles(records, hostId, work).size(),
                            "every file the worker opened was delivered");

                    final Map<String, TreeSet<Long>> sequences = new HashMap<>();
                    final Map<String, SpecificRecord> byIdentity = new HashMap<>();
                    for (final ConsumerRecord<String, Object> r : records) {
                        final EventHeader h = PublishedEvents.header(r);
                        if (!h.getHostId().equals(hostId)) {
                            continue;
                        }
                        final String identity = h.getCollectorRun() + "#" + h.getSequence();
                        final SpecificRecord previous = byIdentity.putIfAbsent(identity, (SpecificRecord) r.value());
                        if (previous != null) {
                            assertEquals(previous, r.value(), "a duplicate is an exact copy, droppable by (host, run, sequence)");
                        }
                        sequences.computeIfAbsent(h.getCollectorRun(), k -> new TreeSet<>()).add(h.getSequence());
                    }
                    assertEquals(2, sequences.size(), "two collector runs: " + sequences.keySet());
                    for (final Map.Entry<String, TreeSet<Long>> run : sequences.entrySet()) {
                        final TreeSet<Long> seqs = run.getValue();
                        assertEquals(0L, seqs.first());
                        assertEquals(seqs.last() + 1, seqs.size(), "no gap in the sequence numbers of run " + run.getKey());
                    }
                    final List<Long> sizes = sequences.values().stream().map(s -> (long) s.size()).sorted().toList();
                    assertTrue(sequences.values().stream().anyMatch(s -> s.size() >= firstRunSent),
                            "the first run delivered at least what it had reported sent: " + sizes + " vs " + firstRunSent);
                    assertTrue(sequences.values().stream().anyMatch(s -> s.size() == secondSeen - secondCoalesced),
                            "the second run delivered everything it took in: " + sizes + " vs " + (secondSeen - secondCoalesced));
                    assertTrue(records.stream().anyMatch(r -> r.value() instanceof OpenEvent o
                            && o.getHeader().getSource() == CaptureSource.PROBE), "the events came through the probe");
                }
                assertEquals(128 + 15, second.terminate(), second.output());
            }
        }
    }

    /**
     * Events per collector run, counted by distinct sequence: the consumer must read until the second run's last
     * event arrived, which may come in a later fetch than the worker's last open.
     */
    private static Set<Long> runSizes(final List<ConsumerRecord<String, Object>> records, final String hostId) {
        final Map<String, Set<Long>> sequences = new HashMap<>();
        for (final ConsumerRecord<String, Object> r : records) {
            final EventHeader h = PublishedEvents.header(r);
            if (h.getHostId().equals(hostId)) {
                sequences.computeIfAbsent(h.getCollectorRun(), k -> new java.util.HashSet<>()).add(h.getSequence());
            }
        }
        final Set<Long> sizes = new java.util.HashSet<>();
        sequences.values().forEach(seqs -> sizes.add((long) seqs.size()));
        return sizes;
    }

    private static Set<String> openedFiles(final List<ConsumerRecord<String, Object>> records, final String hostId,
                                           final Path work) {
        return records.stream().map(ConsumerRecord::value).filter(OpenEvent.class::isInstance).map(OpenEvent.class::cast)
                .filter(o -> o.getHeader().getHostId().equals(hostId) && o.getPath().startsWith(work + "/file-"))
                .map(OpenEvent::getPath).collect(Collectors.toSet());
    }
}
