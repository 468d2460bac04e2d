package io.tether.collector.probe;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The probe leaves a process's start time and exe to the collector (tether_ring.h, "Deferred identity"): the
 * collector reads them from /proc while the process lives, or the probe tells them itself before it exits, and a
 * process killed before either happened has its records counted, not published under a made-up identity.
 */
class DeferredIdentityTest {
    private static final String HOST = "identity-host";

    @TempDir
    Path tmp;
    private Path dir;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        dir = tmp.toRealPath();
        file = Files.writeString(dir.resolve("held-open.txt"), "x");
    }

    private ProbeChannel channel() throws Exception {
        return ProbeChannel.create(dir.resolve("ring").resolve(HOST + ".ring"), HOST, ProbeChannelConfig.DEFAULT);
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitReady(final Process p) throws Exception {
        final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        final String line = out.readLine();
        assertEquals("ready fd=1", line, "the program opened its file");
    }

    private static long startTicksOf(final long pid) throws Exception {
        return ProcessStartTime.startTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))).orElseThrow();
    }

    private static EventHeader header(final SpecificRecord e) {
        return (EventHeader) ((org.apache.avro.generic.GenericRecord) e).get("header");
    }

    private static List<SpecificRecord> of(final CapturingSink sink, final long pid) {
        return sink.all().stream().filter(e -> header(e).getPid() == pid).toList();
    }

    @Test
    void aLiveProcessIsResolvedByTheCollectorAndNeedNotReadProcItself() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final ProbeCounters counters;
        final long pid;
        final long expectedStart;
        try (ProbeChannel channel = channel()) {
            channel.start(sink);
            final Process p = ProbedRun.start(channel, "wait", file.toString());
            pid = p.pid();
            awaitReady(p);
            expectedStart = ProcessStartTime.ofThisBoot().epochMicros(startTicksOf(pid));
            awaitTrue(() -> sink.ofType(OpenEvent.class).stream().anyMatch(e -> e.getHeader().getPid() == pid),
                    "the collector delivers the records of the running process");
            p.getOutputStream().close();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            awaitTrue(() -> sink.ofType(ExitEvent.class).stream().anyMatch(e -> e.getHeader().getPid() == pid),
                    "the exit of the process");
            channel.close();
            counters = channel.counters();
        }
        final ExecEvent exec = sink.ofType(ExecEvent.class).stream().filter(e -> e.getHeader().getPid() == pid)
                .findFirst().orElseThrow();
        assertEquals(ProbedRun.EXERCISE.toRealPath().toString(), exec.getExecutable(), "exe from /proc/<pid>/exe");
        final List<SpecificRecord> mine = of(sink, pid);
        assertEquals(3, mine.size(), "exec, open, exit: " + mine);
        for (final SpecificRecord e : mine) {
            assertEquals(expectedStart, header(e).getStartTime(), "start time from /proc: " + e);
        }
        assertEquals(1, counters.identitiesResolved());
        assertEquals(0, counters.identitiesFromProbe(), "the probe saw the collector's ack and read no /proc");
        assertEquals(0, counters.heldRecords() + counters.unresolved());
    }

    @Test
    void aProcessGoneBeforeTheCollectorReadsTellsItsIdentityItself() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final ProbeCounters counters;
        final long pid;
        final long jvmStart = ProcessStartTime.ofThisBoot().epochMicros(
                ProcessStartTime.startTicks(Files.readString(Path.of("/proc/self/stat"))).orElseThrow());
        try (ProbeChannel channel = channel()) {
            // nobody reads while it runs: the probe finds no ack before its exit and writes an IDENTITY record
            final Process p = ProbedRun.start(channel, "wait", file.toString());
            pid = p.pid();
            p.getOutputStream().close();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            channel.start(sink);
            channel.close();
            counters = channel.counters();
        }
        final List<SpecificRecord> mine = of(sink, pid);
        assertEquals(3, mine.size(), "exec, open, exit: " + mine);
        final ExecEvent exec = sink.ofType(ExecEvent.class).get(0);
        assertEquals(ProbedRun.EXERCISE.toRealPath().toString(), exec.getExecutable(), "exe from the IDENTITY record");
        final long start = exec.getHeader().getStartTime();
        assertTrue(start >= jvmStart, "started after the JVM: " + start + " >= " + jvmStart);
        for (final SpecificRecord e : mine) {
            assertEquals(start, header(e).getStartTime(), "one process instance: " + e);
        }
        assertEquals(0, counters.identitiesResolved());
        assertEquals(1, counters.identitiesFromProbe());
        assertEquals(0, counters.heldRecords() + counters.unresolved());
    }

    @Test
    void aProcessKilledBeforeAnyoneLearntItsIdentityIsCountedNotMadeUp() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final long pid;
        try (ProbeChannel channel = channel()) {
            final Process p = ProbedRun.start(channel, "wait", file.toString());
            pid = p.pid();
            awaitReady(p); // its EXEC and OPEN records are in the ring
            p.destroyForcibly();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            channel.start(sink);
            awaitTrue(() -> channel.counters().unresolved() == 2, "the reader gives up on the killed process");
            final ProbeCounters counters = channel.counters();
            assertEquals(0, counters.heldRecords());
            assertEquals(0, counters.recordsRead());
        }
        assertEquals(List.of(), of(sink, pid), "nothing published under a guessed identity");
    }

    @Test
    void aBusyProcessTellsItsIdentityEarlySoEvenItsKillLosesNothing() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final int opens = 50;
        final long pid;
        final ProbeCounters counters;
        try (ProbeChannel channel = channel()) {
            // nobody reads: after a few records the probe settles its identity itself instead of leaving every
            // record to wait for its exit, so a kill afterwards costs nothing
            final Process p = ProbedRun.start(channel, "wait", file.toString(), Integer.toString(opens));
            pid = p.pid();
            awaitReady(p);
            p.destroyForcibly();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            channel.start(sink);
            channel.close();
            counters = channel.counters();
        }
        final List<SpecificRecord> mine = of(sink, pid);
        assertEquals(1 + opens, mine.size(), "the exec and every open, no exit (killed)");
        final long start = header(mine.get(0)).getStartTime();
        assertTrue(mine.stream().allMatch(e -> header(e).getStartTime() == start), "one process instance");
        assertEquals(1, counters.identitiesFromProbe());
        assertEquals(0, counters.heldRecords() + counters.unresolved());
    }

    @Test
    void aProgramThatExeclsAnotherTellsItsIdentityBeforeTheExecSoBothAreAttributed() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final ProbedRun run;
        final ProbeCounters counters;
        try (ProbeChannel channel = channel()) {
            // nobody reads: execl (glibc's internal execve, no wrapper below it) ends the first program, whose
            // records only its IDENTITY record can attribute; the second program tells its own at exit
            final String self = ProbedRun.EXERCISE.toString();
            run = ProbedRun.probed(channel, "execl", file.toString(), self);
            assertEquals(0, run.exitCode(), run.stdout());
            channel.start(sink);
            channel.close();
            counters = channel.counters();
        }
        final List<ExecEvent> execs = sink.ofType(ExecEvent.class).stream()
                .filter(e -> e.getHeader().getPid() == run.pid()).toList();
        assertEquals(List.of("execl", "exec-target"), execs.stream().map(e -> e.getArgv().get(1)).toList());
        final String exe = ProbedRun.EXERCISE.toRealPath().toString();
        for (final ExecEvent e : execs) {
            assertEquals(exe, e.getExecutable(), "each program's exe: " + e);
        }
        final long start = execs.get(0).getHeader().getStartTime();
        assertTrue(of(sink, run.pid()).stream().allMatch(e -> header(e).getStartTime() == start),
                "one process instance");
        assertEquals(2, counters.identitiesFromProbe(), "one IDENTITY record per program");
        assertEquals(0, counters.heldRecords() + counters.unresolved(), "nothing left unattributed");
    }
}
