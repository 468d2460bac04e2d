package io.tether.collector.probe;

import io.tether.collector.publish.DurableEventSink;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.topic.EventType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a sink that reports what it kept, the ring keeps every record it has not: a collector that goes away without
 * keeping them (as a killed one does) leaves them for the next, which reads exactly those again, under the same
 * probeSequence, and skips the kept ones.
 */
class KeptRecordsTest {
    private static final String HOST = "kept-host";

    @TempDir
    Path tmp;

    /** A durable sink that keeps only what the test tells it to. */
    private static final class KeepingSink implements DurableEventSink {
        private final List<SpecificRecord> events = new ArrayList<>();
        private LongConsumer listener;

        @Override
        public synchronized void onKept(final LongConsumer probeSequences) {
            listener = probeSequences;
        }

        @Override
        public synchronized void accept(final SpecificRecord event) {
            events.add(event);
        }

        synchronized void keep(final Predicate<SpecificRecord> which) {
            for (final SpecificRecord e : events) {
                if (which.test(e)) {
                    listener.accept(sequence(e));
                }
            }
        }

        synchronized List<SpecificRecord> all() {
            return List.copyOf(events);
        }
    }

    private static long sequence(final SpecificRecord event) {
        final EventHeader header = EventType.of(event).header(event);
        assertNotNull(header.getProbeSequence(), "a probe event carries its ring position");
        return header.getProbeSequence();
    }

    private static Map<Long, SpecificRecord> bySequence(final List<SpecificRecord> events) {
        final Map<Long, SpecificRecord> map = new TreeMap<>();
        events.forEach(e -> assertEquals(null, map.put(sequence(e), e), "one event per ring position"));
        return map;
    }

    private ProbeChannel channel(final Path dir) throws Exception {
        return ProbeChannel.create(dir.resolve(HOST + ".ring"), HOST, ProbeChannelConfig.DEFAULT.withSlots(512, 64));
    }

    @Test
    void recordsReadButNotKeptAreReadAgainByTheNextReaderUnderTheSameProbeSequence() throws Exception {
        final Path dir = tmp.toRealPath();
        final Path file = Files.writeString(dir.resolve("f.txt"), "x");
        final KeepingSink first = new KeepingSink();
        try (ProbeChannel channel = channel(dir)) {
            channel.start(first);
            final ProbedRun run = ProbedRun.probed(channel, "exec-target", file.toString());
            assertEquals(0, run.exitCode(), run.stdout());
            channel.close(); // delivers everything, keeps nothing: like a collector killed before it spooled
            first.keep(e -> !(e instanceof OpenEvent)); // too late to matter for this reader, but the slots are freed
        }
        final List<SpecificRecord> delivered = first.all();
        assertTrue(delivered.size() >= 3, "exec, open, exit: " + delivered);
        final Map<Long, SpecificRecord> firstRead = bySequence(delivered);

        // only the open was not kept: the next reader gets it again, identical, and nothing else
        final CapturingSink second = new CapturingSink();
        try (ProbeChannel channel = channel(dir)) {
            channel.start(second);
            channel.close();
        }
        final Map<Long, SpecificRecord> secondRead = bySequence(second.all());
        final Map<Long, SpecificRecord> expected = new TreeMap<>(firstRead);
        expected.values().removeIf(e -> !(e instanceof OpenEvent));
        assertFalse(expected.isEmpty());
        assertEquals(expected, secondRead, "exactly the records not kept, as they were");

        // a plain sink frees what it reads: a third reader gets nothing
        final CapturingSink third = new CapturingSink();
        try (ProbeChannel channel = channel(dir)) {
            channel.start(third);
            channel.close();
        }
        assertEquals(List.of(), third.all());
    }

    @Test
    void afterARestartTheRingRereadsWhatWasNotKeptAndGoesOnTakingNewRecords() throws Exception {
        final Path dir = tmp.toRealPath();
        final Path file = Files.writeString(dir.resolve("g.txt"), "x");
        final KeepingSink first = new KeepingSink();
        final ProbedRun run;
        try (ProbeChannel channel = channel(dir)) {
            channel.start(first);
            run = ProbedRun.probed(channel, "exec-target", file.toString());
            channel.close();
            first.keep(e -> e instanceof io.tether.schemas.event.ExecEvent);
        }
        final Map<Long, SpecificRecord> notKept = bySequence(first.all());
        notKept.values().removeIf(e -> e instanceof io.tether.schemas.event.ExecEvent);
        final CapturingSink second = new CapturingSink();
        try (ProbeChannel channel = channel(dir)) {
            channel.start(second);
            final ProbedRun later = ProbedRun.probed(channel, "exec-target", file.toString());
            channel.close();
            assertEquals(0, later.exitCode(), later.stdout());
            final Map<Long, SpecificRecord> all = bySequence(second.all());
            final Map<Long, SpecificRecord> ofFirstRun = new TreeMap<>(all);
            ofFirstRun.values().removeIf(e -> EventType.of(e).header(e).getPid() != run.pid());
            assertEquals(notKept, ofFirstRun, "the first run's records not kept, read again as they were");
            final long lastReread = ((TreeMap<Long, SpecificRecord>) ofFirstRun).lastKey();
            assertTrue(all.entrySet().stream().filter(e -> EventType.of(e.getValue()).header(e.getValue()).getPid()
                    == later.pid()).allMatch(e -> e.getKey() > lastReread), "new records come after the re-read ones");
            assertEquals(3, all.size() - ofFirstRun.size(), "the later run's exec, open and exit: " + all);
            assertEquals(0, channel.counters().droppedByProbe());
        }
    }

    @Test
    void anExecReadAgainAfterItsProcessIsGoneIsAttributedFromTheIdentityStampedInItsSlot() throws Exception {
        final Path dir = tmp.toRealPath();
        final Path file = Files.writeString(dir.resolve("h.txt"), "x");
        final KeepingSink first = new KeepingSink();
        final long pid;
        try (ProbeChannel channel = channel(dir)) {
            channel.start(first);
            final Process p = ProbedRun.start(channel, "wait", file.toString());
            pid = p.pid();
            awaitTrue(() -> first.all().stream().anyMatch(e -> e instanceof OpenEvent o
                    && o.getHeader().getPid() == pid), "the reader resolved and delivered the live process's records");
            channel.close(); // a collector killed before it kept anything
            p.getOutputStream().close(); // the process exits: acked, it writes no IDENTITY record
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertEquals(0, channel.counters().identitiesFromProbe());
        }
        final CapturingSink second = new CapturingSink();
        final ProbeCounters counters;
        try (ProbeChannel channel = channel(dir)) {
            channel.start(second);
            channel.close();
            counters = channel.counters();
        }
        final Map<Long, SpecificRecord> before = bySequence(first.all());
        final Map<Long, SpecificRecord> again = bySequence(second.all());
        assertEquals(before, new TreeMap<>(again).headMap(((TreeMap<Long, SpecificRecord>) before).lastKey() + 1),
                "the exec and open read again as they were, exe and start time included");
        assertTrue(again.values().stream().anyMatch(e -> e instanceof io.tether.schemas.event.ExitEvent x
                && x.getHeader().getPid() == pid), "and the exit written after the first reader went away");
        assertEquals(0, counters.unresolved() + counters.heldRecords() + counters.identitiesFromProbe());
    }

    @Test
    void recordsTheSpoolAlreadyHoldsAreSkippedByTheNextReaderThoughTheirSlotsWereNeverFreed() throws Exception {
        final Path dir = tmp.toRealPath();
        final Path file = Files.writeString(dir.resolve("s.txt"), "x");
        final KeepingSink first = new KeepingSink();
        try (ProbeChannel channel = channel(dir)) {
            channel.start(first);
            assertEquals(0, ProbedRun.probed(channel, "exec-target", file.toString()).exitCode());
            channel.close(); // killed after spooling, before freeing the slots
        }
        final Map<Long, SpecificRecord> read = bySequence(first.all());
        final long[] spooled = read.entrySet().stream().filter(e -> !(e.getValue() instanceof OpenEvent))
                .mapToLong(Map.Entry::getKey).toArray();
        final CapturingSink second = new CapturingSink();
        try (ProbeChannel channel = channel(dir)) {
            assertEquals(spooled.length, channel.skipKept(spooled));
            assertEquals(0, channel.skipKept(spooled), "each slot is freed once");
            channel.start(second);
            channel.close();
        }
        final Map<Long, SpecificRecord> expected = new TreeMap<>(read);
        expected.values().removeIf(e -> !(e instanceof OpenEvent));
        assertEquals(expected, bySequence(second.all()), "only what the spool did not hold is read again");
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
            throws InterruptedException {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "gave up waiting: " + what);
            Thread.sleep(20);
        }
    }
}
