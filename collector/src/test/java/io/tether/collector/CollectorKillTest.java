package io.tether.collector;

import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.collector.probe.internals.RingLayout;
import io.tether.collector.support.CollectorProcess;
import io.tether.collector.support.Programs;
import io.tether.collector.support.PublishedEvents;
import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.Topics;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector is killed hard (SIGKILL) while Kafka is down and a probed program keeps working; a new collector
 * starts, then Kafka comes back: every event the program caused is delivered. Records the killed collector had taken
 * from the probe's ring but not spooled (here, above all, the repeated opens its coalescer held) are read again by
 * the next one; copies are dropped by (hostId, probeSequence), and after that every record the probe wrote is
 * accounted for exactly once, counts of folded opens included.
 */
class CollectorKillTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    /** Long enough that repeats of one open are certainly held in memory when the first collector is killed. */
    private static final Duration COALESCE_WINDOW = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Process worker;

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroyForcibly();
            worker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code tether collect} with a long coalescing window (which the command does not offer):
     * args host-id, bootstrap, registry, channel dir, spool dir. Prints "metrics on port N"; SIGTERM closes it.
     */
    public static final class LongWindowCollector {
        public static void main(final String[] args) throws InterruptedException {
            final CollectorConfig config = CollectorConfig.of(args[0], args[1], args[2])
                    .withChannelDir(Path.of(args[3])).withSpoolDir(Path.of(args[4]))
                    .withScanInterval(Duration.ZERO).withMetricsPort(0).withCoalesceWindow(COALESCE_WINDOW)
                    .withProducerConfigs(Map.of("delivery.timeout.ms", "4000", "request.timeout.ms", "2000",
                            "linger.ms", "5"));
            final Collector collector = Collector.start(config);
            final CountDownLatch closed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                collector.close();
                closed.countDown();
            }));
            System.out.println("metrics on port " + collector.metricsPort());
            System.out.flush();
            closed.await();
        }
    }

    @Test
    void nothingTheProbeWroteIsLostWhenTheCollectorIsKilledHardWhileKafkaIsDown() throws Exception {
        KAFKA.createTopics(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT);
        final String hostId = "kill-" + Long.toString(System.nanoTime(), 36);
        final Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        final Path channels = dir.resolve("channels");
        final Path ring = CollectorConfig.channelFile(channels, hostId);
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(KAFKA.bootstrapServers(), 0)) {
            final List<String> args = List.of(hostId, KAFKA.bootstrapServers(), registry.url(), channels.toString(),
                    dir.resolve("spool").toString());
            try (CollectorProcess first = CollectorProcess.start(LongWindowCollector.class, args,
                    dir.resolve("collector-1.log"))) {
                final int port = first.metricsPort();
                final ProcessBuilder builder = new ProcessBuilder(Programs.python(),
                        Programs.script("repeating_worker.py").toString(), work.toString(), "0.05");
                builder.environment().put("LD_PRELOAD", ProbeLibrary.require().toString());
                builder.environment().put(ProbeChannel.ENV_CHANNEL, ring.toString());
                worker = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
                first.waitFor(() -> CollectorProcess.metric(port, "tether_collector_events_sent_total") >= 20);

                KAFKA.stopBroker(0);
                Thread.sleep(1_500); // the worker keeps opening files; the collector spools them
                first.waitFor(() -> CollectorProcess.metric(port, "tether_collector_events_spooled_total") > 0);
                assertTrue(CollectorProcess.metric(port, "tether_collector_events_coalesced_total") > 0,
                        "repeats of the log's open are held in memory when the collector is killed");
                first.process().destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed
                assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
                assertEquals(128 + 9, first.process().exitValue(), first.output());
                assertTrue(!first.output().contains("stopped: seen="), "no orderly stop:\n" + first.output());
            }
            Thread.sleep(1_000); // neither a collector nor Kafka: only the probe's ring holds the events

            try (CollectorProcess second = CollectorProcess.start(LongWindowCollector.class, args,
                    dir.resolve("collector-2.log"))) {
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
                final int iterations = Integer.parseInt(opened.split(" ")[1]);
                final long workerPid = worker.pid();
                final String log = work.resolve("log").toString();

                // only the worker writes this ring, and it is done: what the probe wrote is settled
                final Map<Long, Integer> written = eventRecords(ring);
                try (PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), registry.url())) {
                    // topics are read in no set order: read until every record is accounted for (or time is up)
                    final List<ConsumerRecord<String, Object>> records = published.until(
                            r -> accounted(distinct(r, hostId)) >= written.size(), Duration.ofSeconds(120));
                    final Map<Long, SpecificRecord> events = distinct(records, hostId);
                    assertTrue(events.values().stream().anyMatch(e -> e instanceof ExitEvent x
                            && x.getHeader().getPid() == workerPid), "the worker's exit arrived: " + second.output());
                    assertTrue(events.values().stream().anyMatch(e -> e instanceof ExecEvent x
                            && x.getHeader().getPid() == workerPid), "the worker's exec arrived");

                    // every file, once; every open of the log, counted once
                    final TreeSet<String> files = new TreeSet<>();
                    long logOpens = 0;
                    for (final SpecificRecord e : events.values()) {
                        if (e instanceof OpenEvent o && o.getPath().startsWith(work + "/file-")) {
                            assertTrue(files.add(o.getPath()), "one event per file once copies are dropped");
                        } else if (e instanceof OpenEvent o && o.getPath().equals(log)) {
                            logOpens += o.getCount();
                        }
                    }
                    assertEquals(iterations, files.size(), "every file the worker opened was delivered");
                    assertEquals(iterations, logOpens, "every open of the log is counted, once");

                    // every record the probe wrote is accounted for: events, and opens folded into them
                    for (final Map.Entry<Long, SpecificRecord> e : events.entrySet()) {
                        assertTrue(written.containsKey(e.getKey()), "an event for a record the probe wrote: " + e);
                    }
                    assertEquals(written.size(), accounted(events), "every record the probe wrote, exactly once");

                    // each run's sequence numbers have no gap: the killed run lost only its unspooled tail
                    final Map<String, TreeSet<Long>> sequences = new HashMap<>();
                    for (final ConsumerRecord<String, Object> r : records) {
                        final EventHeader h = PublishedEvents.header(r);
                        if (h.getHostId().equals(hostId)) {
                            sequences.computeIfAbsent(h.getCollectorRun(), k -> new TreeSet<>()).add(h.getSequence());
                        }
                    }
                    assertEquals(2, sequences.size(), "two collector runs: " + sequences.keySet());
                    for (final Map.Entry<String, TreeSet<Long>> run : sequences.entrySet()) {
                        assertEquals(0L, run.getValue().first());
                        assertEquals(run.getValue().last() + 1, run.getValue().size(), "no gap in run " + run.getKey());
                    }
                }
                assertEquals(0, (long) CollectorProcess.metric(port, "tether_collector_events_dropped_total"));
                assertEquals(0, (long) CollectorProcess.metric(port, "tether_collector_probe_freed_unkept_total"));
                assertEquals(128 + 15, second.terminate(), second.output());
            }
        }
    }

    /** The probe records {@code events} stand for: one each, an open as many as it counts. */
    private static long accounted(final Map<Long, SpecificRecord> events) {
        long n = 0;
        for (final SpecificRecord e : events.values()) {
            n += e instanceof OpenEvent o ? o.getCount() : 1;
        }
        return n;
    }

    /**
     * The host's events by probeSequence, each once: a copy (the same probe record published again by the next
     * collector, or resent from the spool) must equal the first apart from the collector run and sequence.
     */
    private static Map<Long, SpecificRecord> distinct(final List<ConsumerRecord<String, Object>> records,
                                                      final String hostId) {
        final Map<Long, SpecificRecord> byProbeSequence = new TreeMap<>();
        for (final ConsumerRecord<String, Object> r : records) {
            final EventHeader h = PublishedEvents.header(r);
            if (!h.getHostId().equals(hostId)) {
                continue;
            }
            assertNotNull(h.getProbeSequence(), "every event of this host came through the probe");
            final SpecificRecord copy = withoutRun((SpecificRecord) r.value());
            final SpecificRecord previous = byProbeSequence.putIfAbsent(h.getProbeSequence(), copy);
            if (previous != null) {
                assertEquals(previous, copy, "a copy is the same event, droppable by (hostId, probeSequence)");
            }
        }
        return byProbeSequence;
    }

    private static SpecificRecord withoutRun(final SpecificRecord event) {
        final SpecificRecord copy = SpecificData.get().deepCopy(event.getSchema(), event);
        final EventHeader h = (EventHeader) copy.get(0);
        h.setCollectorRun("");
        h.setSequence(0L);
        return copy;
    }

    /**
     * What the probe wrote into the ring file: record type by position, for every record that is an event (not an
     * IDENTITY record). Positions start at the file's creation time in ms shifted left by 20 (tether_ring.h); the
     * worker writes far fewer records than the ring has slots, so no slot was written twice.
     */
    private static Map<Long, Integer> eventRecords(final Path ring) throws Exception {
        try (FileChannel ch = FileChannel.open(ring, StandardOpenOption.READ)) {
            final MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            b.order(ByteOrder.LITTLE_ENDIAN);
            final int slotSize = b.getInt(RingLayout.OFF_SLOT_SIZE);
            final int slotCount = b.getInt(RingLayout.OFF_SLOT_COUNT);
            final long first = (b.getLong(RingLayout.OFF_CREATED_MICROS) / 1000 << 20) & -(long) slotCount;
            final long end = b.getLong(RingLayout.OFF_WRITE_CURSOR);
            assertEquals(0, b.getLong(RingLayout.OFF_DROPPED), "the probe dropped nothing");
            assertTrue(end > first && end - first < slotCount, "one lap of the ring: " + first + " .. " + end);
            final Map<Long, Integer> types = new TreeMap<>();
            for (long pos = first; pos < end; pos++) {
                final int type = b.getShort(RingLayout.HEADER_SIZE + (int) (pos & (slotCount - 1)) * slotSize
                        + RingLayout.SLOT_TYPE) & 0xffff;
                if (type != RingLayout.REC_IDENTITY) {
                    types.put(pos, type);
                }
            }
            return types;
        }
    }
}
