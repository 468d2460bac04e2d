package io.tether.collector.publish;

import io.tether.collector.EventBroker;
import io.tether.collector.support.PublishedEvents;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.identity.ProcessKey;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publisher's two threads (encoding, then spool and Kafka) against a real broker and registry: every accepted
 * event arrives once, stamped, keyed and in its process's order, with folded opens accounted for in counts.
 */
class KafkaEventPublisherTest {
    @RegisterExtension
    static final EventBroker KAFKA = new EventBroker();

    @TempDir
    Path dir;

    @Test
    void everyEventArrivesOnceStampedKeyedAndInItsProcessOrderAcrossManyBatches() throws Exception {
        final int pids = 40;
        final int opensPerPid = 300; // 12,000 opens: several encoded batches and spool group commits
        final String host = "pub-h1";
        final PublisherConfig config = PublisherConfig.defaults(host, "run-a", KAFKA.bootstrapServers(),
                dir.resolve("spool"));
        final Map<String, Integer> acceptedPerOpen = new HashMap<>();
        final long accepted;
        final CollectorMetrics metrics = new CollectorMetrics();
        try (RegistrySchemaIds ids = RegistrySchemaIds.forUrl(KAFKA.registryUrl());
             KafkaEventPublisher publisher = KafkaEventPublisher.start(config, ids, metrics)) {
            long time = 1_700_000_000_000_000L;
            for (int i = 0; i < opensPerPid; i++) {
                for (int p = 0; p < pids; p++) {
                    final int pid = 5_000 + p;
                    // 30 distinct files per process, each opened ten times: repeats close together get folded
                    final String path = "/data/" + pid + "/file-" + i % 30;
                    publisher.accept(open(host, pid, path, time++));
                    acceptedPerOpen.merge(pid + " " + path, 1, Integer::sum);
                }
            }
            // a malformed event in the middle of the stream is dropped and counted, the rest goes on
            publisher.accept(new OpenEvent(header(host, 5_000, time++), null, 0, AccessMode.READ, 1, true));
            for (int p = 0; p < pids; p++) {
                publisher.accept(ExitEvent.newBuilder().setHeader(header(host, 5_000 + p, time++)).setExitCode(0).build());
            }
            accepted = (long) pids * opensPerPid + pids;
            assertTrue(publisher.awaitDelivered(Duration.ofMinutes(2)), "not delivered: " + metrics.summary());
            assertTrue(publisher.isRunning());
        }
        assertEquals(1, metrics.droppedMalformed());
        final long delivered = accepted - metrics.coalesced();
        assertEquals(delivered, metrics.sent());

        final List<ConsumerRecord<String, Object>> records = publishedBy(host, delivered);
        assertEquals(delivered, records.size());

        final TreeSet<Long> sequences = new TreeSet<>();
        final Map<Integer, List<ConsumerRecord<String, Object>>> byPid = new HashMap<>();
        final Map<String, Integer> countedPerOpen = new HashMap<>();
        for (final ConsumerRecord<String, Object> record : records) {
            final EventHeader header = PublishedEvents.header(record);
            assertEquals("run-a", header.getCollectorRun());
            assertEquals(ProcessKey.of(host, header.getPid()), record.key());
            assertEquals(header.getTimeMicros() / 1000, record.timestamp());
            assertTrue(sequences.add(header.getSequence()), "sequence " + header.getSequence() + " published twice");
            byPid.computeIfAbsent(header.getPid(), p -> new ArrayList<>()).add(record);
            if (record.value() instanceof OpenEvent open) {
                countedPerOpen.merge(header.getPid() + " " + open.getPath(), open.getCount(), Integer::sum);
            }
        }
        // the malformed event never got a sequence number: the numbers have no gap
        assertEquals(0L, sequences.first());
        assertEquals(delivered - 1, sequences.last());
        assertEquals(acceptedPerOpen, countedPerOpen, "every open is delivered or counted in one that was");
        for (final List<ConsumerRecord<String, Object>> ofPid : byPid.values()) {
            // one key per process, so one partition per topic: there, offsets and sequences agree
            final List<ConsumerRecord<String, Object>> opens = ofPid.stream()
                    .filter(r -> r.value() instanceof OpenEvent)
                    .sorted(Comparator.comparingLong(ConsumerRecord::offset)).toList();
            long lastSequence = -1;
            for (final ConsumerRecord<String, Object> record : opens) {
                final EventHeader header = PublishedEvents.header(record);
                assertTrue(header.getSequence() > lastSequence, "sequence order within the process");
                lastSequence = header.getSequence();
            }
            final List<ConsumerRecord<String, Object>> exits = ofPid.stream()
                    .filter(r -> r.value() instanceof ExitEvent).toList();
            assertEquals(1, exits.size());
            assertTrue(PublishedEvents.header(exits.get(0)).getSequence() > lastSequence,
                    "the exit is numbered after every open of its process (held opens are released first)");
        }
    }

    @Test
    void closingHandsOverTheRepeatsStillHeldForFolding() throws Exception {
        final String host = "pub-h2";
        final PublisherConfig config = PublisherConfig.defaults(host, "run-b", KAFKA.bootstrapServers(),
                dir.resolve("spool")).withCoalesceWindow(Duration.ofMinutes(10));
        final CollectorMetrics metrics = new CollectorMetrics();
        final int files = 2_500;
        try (RegistrySchemaIds ids = RegistrySchemaIds.forUrl(KAFKA.registryUrl());
             KafkaEventPublisher publisher = KafkaEventPublisher.start(config, ids, metrics)) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < files; i++) {
                    publisher.accept(open(host, 7_000 + i % 10, "/close/file-" + i, 1_700_000_000_000_000L + i));
                }
            }
        } // close: the window is far from over, so only the orderly shutdown hands the repeats over
        assertEquals(2L * files, metrics.sent(), metrics.summary());
        final List<ConsumerRecord<String, Object>> ours = publishedBy(host, 2L * files);
        assertEquals(2L * files, ours.size(), "each file's first open, then one event for its two repeats");
        assertEquals(3L * files, ours.stream().mapToLong(r -> ((OpenEvent) r.value()).getCount()).sum());
    }

    /** What the broker holds from {@code host} (the tests share the topics), read until {@code expected} arrived. */
    private static List<ConsumerRecord<String, Object>> publishedBy(final String host, final long expected) {
        try (PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), KAFKA.registryUrl())) {
            return published.until(r -> r.stream().filter(c -> fromHost(c, host)).count() >= expected,
                    Duration.ofMinutes(1)).stream().filter(c -> fromHost(c, host)).toList();
        }
    }

    private static boolean fromHost(final ConsumerRecord<String, Object> record, final String host) {
        return host.equals(PublishedEvents.header(record).getHostId());
    }

    private static EventHeader header(final String host, final int pid, final long timeMicros) {
        return EventHeader.newBuilder().setHostId(host).setPid(pid).setStartTime(1_000L * pid).setPpid(1).setUid(0)
                .setTimeMicros(timeMicros).setSource(CaptureSource.PROBE).setSequence(0).setCollectorRun("")
                .setNetns(null).build();
    }

    private static SpecificRecord open(final String host, final int pid, final String path, final long timeMicros) {
        return OpenEvent.newBuilder().setHeader(header(host, pid, timeMicros)).setPath(path).setFlags(0)
                .setMode(AccessMode.READ).setCount(1).setSucceeded(true).build();
    }
}
