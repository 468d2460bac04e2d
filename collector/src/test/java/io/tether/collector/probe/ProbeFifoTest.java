package io.tether.collector.probe;

import io.tether.collector.probe.internals.RingLayout;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.topic.EventType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process's first records travel through the host's FIFO ({@code <ring>.fifo}), the rest through the ring
 * (tether_ring.h, "The FIFO"): a short-lived process never touches the ring, a busy one's records arrive in the order
 * it made its calls across both channels, and without a collector reading the FIFO the program runs as it would
 * without the probe while its records wait in the ring.
 */
class ProbeFifoTest {
    private static final String HOST = "fifo-host";

    @TempDir
    Path tmp;
    private Path dir;

    @BeforeEach
    void realDir() throws Exception {
        dir = tmp.toRealPath(); // the probe resolves against getcwd(), which gives the real path
    }

    private Path ringPath() {
        return dir.resolve("channels").resolve(HOST + ".ring");
    }

    private ProbeChannel channel() throws Exception {
        return ProbeChannel.create(ringPath(), HOST, ProbeChannelConfig.DEFAULT);
    }

    private static EventHeader header(final SpecificRecord e) {
        return EventType.of(e).header(e);
    }

    private static boolean viaFifo(final SpecificRecord e) {
        return RingLayout.isJournal(header(e).getProbeSequence());
    }

    private static List<SpecificRecord> of(final CapturingSink sink, final long pid) {
        return sink.all().stream().filter(e -> header(e).getPid() == pid).toList();
    }

    @Test
    void aShortLivedProcessReachesTheCollectorThroughTheFifoAloneInTheOrderOfItsCalls() throws Exception {
        final Path file = Files.writeString(dir.resolve("f.txt"), "x");
        final CapturingSink sink = new CapturingSink();
        final ProbedRun run;
        final ProbeCounters counters;
        try (ProbeChannel channel = channel()) {
            assertTrue(Files.exists(Path.of(ringPath() + ".fifo")), "the collector made the FIFO next to the ring");
            channel.start(sink);
            run = ProbedRun.probed(channel, "exec-target", file.toString());
            channel.close();
            counters = channel.counters();
        }
        assertEquals(0, run.exitCode(), run.stdout());
        final List<SpecificRecord> mine = of(sink, run.pid());
        assertEquals(List.of(ExecEvent.class, OpenEvent.class, ExitEvent.class),
                mine.stream().map(Object::getClass).toList(), "exec, open, exit in that order: " + mine);
        assertTrue(mine.stream().allMatch(ProbeFifoTest::viaFifo), "all through the FIFO: " + mine);
        assertEquals(file.toString(), ((OpenEvent) mine.get(1)).getPath());
        assertEquals(ProbedRun.EXERCISE.toRealPath().toString(), ((ExecEvent) mine.get(0)).getExecutable());
        final long start = header(mine.get(0)).getStartTime();
        assertTrue(mine.stream().allMatch(e -> header(e).getStartTime() == start), "one process instance");
        assertTrue(counters.fromFifo() >= 3, "exec, open, exit (and maybe its identity) came through the FIFO");
        assertEquals(0, counters.droppedByProbe() + counters.malformed() + counters.unresolved());
    }

    @Test
    void aBusyProcessSwitchesToTheRingAndItsRecordsKeepTheOrderOfItsCalls() throws Exception {
        final int opens = 40;
        final CapturingSink sink = new CapturingSink();
        final ProbedRun run;
        final ProbeCounters counters;
        try (ProbeChannel channel = channel()) {
            // nobody reads while it runs: its first records wait in the pipe, the later ones in the ring, and the
            // reader must still hand them over in the order the program made them
            run = ProbedRun.probed(channel, "sequence", dir.toString(), Integer.toString(opens));
            assertEquals(0, run.exitCode(), run.stdout());
            channel.start(sink);
            channel.close();
            counters = channel.counters();
        }
        assertEquals("sequence opened=" + opens + "\n", run.stdout());
        final List<SpecificRecord> mine = of(sink, run.pid());
        final List<String> paths = mine.stream().filter(OpenEvent.class::isInstance)
                .map(e -> ((OpenEvent) e).getPath()).filter(p -> p.startsWith(dir + "/seq-")).toList();
        assertEquals(IntStream.range(0, opens).mapToObj(i -> dir + "/seq-" + i).toList(), paths,
                "every open, in the order the program made them");
        assertTrue(mine.get(0) instanceof ExecEvent && mine.get(mine.size() - 1) instanceof ExitEvent,
                "exec first, exit last: " + mine);
        assertTrue(viaFifo(mine.get(0)), "the exec came through the FIFO");
        assertFalse(viaFifo(mine.get(mine.size() - 1)), "the exit through the ring: the process was busy by then");
        final long start = header(mine.get(0)).getStartTime();
        assertTrue(mine.stream().allMatch(e -> header(e).getStartTime() == start), "one process instance");
        assertEquals(0, counters.droppedByProbe() + counters.malformed() + counters.unresolved());
    }

    @Test
    void withNoCollectorReadingTheFifoTheProgramRunsAsWithoutTheProbeAndItsRecordsWaitInTheRing() throws Exception {
        final ProbedRun plain = ProbedRun.run(null, null, "behave", dir.toString());
        assertEquals(3, plain.exitCode(), plain.stdout());
        try (ProbeChannel channel = channel()) {
            channel.start(new CapturingSink());
        }
        // a FIFO nobody reads, as a collector killed hard leaves it (an orderly stop removes it): probes get ENXIO
        final Path fifo = Path.of(ringPath() + ".fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, mkfifo.exitValue());
        final ProbedRun probed = ProbedRun.run(ProbeLibrary.require(), ringPath().toString(), "behave",
                dir.toString());
        assertEquals(plain.exitCode(), probed.exitCode());
        assertEquals(plain.stdout(), probed.stdout(), "same output, errnos and exit code as without the probe");

        // the next collector replaces that FIFO and finds the program's records in the ring
        final CapturingSink sink = new CapturingSink();
        final ProbeCounters counters;
        try (ProbeChannel channel = channel()) {
            channel.start(sink);
            channel.close();
            counters = channel.counters();
        }
        final List<SpecificRecord> mine = of(sink, probed.pid());
        assertTrue(mine.get(0) instanceof ExecEvent, "its exec: " + mine);
        assertTrue(mine.stream().anyMatch(ExitEvent.class::isInstance), "its exit: " + mine);
        assertTrue(mine.stream().noneMatch(ProbeFifoTest::viaFifo), "nothing went into the FIFO nobody read");
        assertEquals(0, counters.fromFifo() + counters.droppedByProbe() + counters.unresolved());
    }

    @Test
    void aRestartedCollectorMakesANewFifoThatProbesWriteTo() throws Exception {
        final Path file = Files.writeString(dir.resolve("r.txt"), "x");
        try (ProbeChannel channel = channel()) {
            channel.start(new CapturingSink());
            assertEquals(0, ProbedRun.probed(channel, "exec-target", file.toString()).exitCode());
        }
        assertFalse(Files.exists(Path.of(ringPath() + ".fifo")), "an orderly stop takes the FIFO away");
        final CapturingSink sink = new CapturingSink();
        final ProbedRun later;
        try (ProbeChannel channel = channel()) {
            channel.start(sink);
            later = ProbedRun.probed(channel, "exec-target", file.toString());
            channel.close();
        }
        final List<SpecificRecord> mine = of(sink, later.pid());
        assertEquals(3, mine.size(), "exec, open, exit: " + mine);
        assertTrue(mine.stream().allMatch(ProbeFifoTest::viaFifo), "through the new collector's FIFO: " + mine);
    }
}
