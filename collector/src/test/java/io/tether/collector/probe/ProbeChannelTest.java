package io.tether.collector.probe;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The probe loaded into real processes, writing a real ring that ProbeChannel reads. */
class ProbeChannelTest {
    private static final String HOST = "test-host";
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 01;
    private static final int O_RDWR = 02;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_APPEND = 02000;

    @TempDir
    Path tmp;
    private Path dir;

    @BeforeEach
    void realDir() throws Exception {
        // the probe resolves against getcwd(), which gives the real path
        dir = tmp.toRealPath();
    }

    private ProbeChannel channel(final ProbeChannelConfig config) throws Exception {
        return ProbeChannel.create(dir.resolve("ring").resolve(HOST + ".ring"), HOST, config);
    }

    private static OpenEvent openOf(final CapturingSink sink, final long pid, final String path, final int flags) {
        return sink.ofType(OpenEvent.class).stream()
                .filter(e -> e.getHeader().getPid() == pid && e.getPath().equals(path) && e.getFlags() == flags)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no open of " + path + " with flags 0" + Integer.toOctalString(flags)
                        + " by " + pid + " in " + sink.ofType(OpenEvent.class)));
    }

    private static <T extends SpecificRecord> T onlyOne(final List<T> events, final long pid) {
        final List<T> mine = events.stream().filter(e -> header(e).getPid() == pid).toList();
        assertEquals(1, mine.size(), () -> "expected one event of pid " + pid + " in " + events);
        return mine.get(0);
    }

    private static EventHeader header(final SpecificRecord e) {
        try {
            final Method m = e.getClass().getMethod("getHeader");
            return (EventHeader) m.invoke(e);
        } catch (final ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void opensAreReportedWithAbsolutePathAndAccessMode() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final long before = System.currentTimeMillis() * 1000;
        final ProbedRun run;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(sink);
            run = ProbedRun.probed(channel, "opens", dir.toString());
        }
        final long after = System.currentTimeMillis() * 1000;
        assertEquals(0, run.exitCode(), run.stdout());
        final long pid = run.pid();
        final String d = dir.toString();

        assertEquals(AccessMode.READ, openOf(sink, pid, d + "/ro.txt", O_RDONLY).getMode());
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/wo.txt", O_WRONLY).getMode());
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/rw.txt", O_RDWR).getMode());
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/append.txt", O_RDONLY | O_APPEND).getMode());
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/created.txt", O_CREAT | O_TRUNC).getMode());
        assertEquals(AccessMode.READ, openOf(sink, pid, d + "/fopen-r.txt", O_RDONLY).getMode());
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/fopen-wplus.txt", O_RDWR | O_CREAT | O_TRUNC).getMode());
        assertEquals(AccessMode.READ, openOf(sink, pid, d + "/rel.txt", O_RDONLY).getMode(), "relative path");
        assertEquals(AccessMode.READ, openOf(sink, pid, d + "/sub/at.txt", O_RDONLY).getMode(), "openat(dirfd)");
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/sub/at.txt", O_WRONLY).getMode(), "__openat_2");
        assertEquals(AccessMode.READ, openOf(sink, pid, d + "/fortified.txt", O_RDONLY).getMode(), "__open_2");
        assertEquals(AccessMode.WRITE, openOf(sink, pid, d + "/creat.txt", O_CREAT | O_WRONLY | O_TRUNC).getMode());
        final OpenEvent missing = openOf(sink, pid, d + "/missing.txt", O_RDONLY);
        assertFalse(missing.getSucceeded());
        assertTrue(openOf(sink, pid, d + "/ro.txt", O_RDONLY).getSucceeded());

        final ExecEvent exec = onlyOne(sink.ofType(ExecEvent.class), pid);
        assertEquals(ProbedRun.EXERCISE.toRealPath().toString(), exec.getExecutable());
        assertEquals(ProbedRun.EXERCISE.toRealPath().toString(), exec.getProgram());
        assertEquals(List.of(ProbedRun.EXERCISE.toString(), "opens", d), exec.getArgv());
        assertEquals(Path.of("").toAbsolutePath().toRealPath().toString(), exec.getCwd());

        for (final SpecificRecord e : sink.all()) {
            final EventHeader h = header(e);
            assertEquals(HOST, h.getHostId());
            assertEquals(CaptureSource.PROBE, h.getSource());
            assertEquals(pid, h.getPid());
            assertEquals(ProcessHandle.current().pid(), h.getPpid(), "the JVM started it");
            assertEquals(exec.getHeader().getStartTime(), h.getStartTime(), "one process instance");
            assertTrue(h.getTimeMicros() >= before && h.getTimeMicros() <= after, "call time within the run: " + h);
            assertEquals(0L, h.getSequence());
            assertEquals("", h.getCollectorRun());
        }
        // the process started after the JVM that ran it and before the test looked: compared on the kernel's own
        // clock (ticks since boot), since btime-based start times may drift from CLOCK_REALTIME on a VM
        final ProcessStartTime boot = ProcessStartTime.ofThisBoot();
        final long jvmStart = boot.epochMicros(
                ProcessStartTime.startTicks(Files.readString(Path.of("/proc/self/stat"))).orElseThrow());
        final double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        final long now = boot.epochMicros((long) Math.ceil(uptime * ProcessStartTime.CLK_TCK));
        final long startTime = exec.getHeader().getStartTime();
        assertTrue(startTime >= jvmStart && startTime <= now, jvmStart + " <= " + startTime + " <= " + now);
    }

    @ParameterizedTest
    @CsvSource({"net4, 127.0.0.1", "net6, ::1", "net4-high, 127.0.0.1"})
    void connectAndAcceptOverLoopbackCarryTheSameFourTuple(final String mode, final String loopback) throws Exception {
        final CapturingSink sink = new CapturingSink();
        final ProbedRun run;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(sink);
            run = ProbedRun.probed(channel, mode);
        }
        assertEquals(0, run.exitCode(), run.stdout());
        final long client = Long.parseLong(run.stdout().replaceAll("(?s).*child=(\\d+).*", "$1"));

        final AcceptEvent accept = onlyOne(sink.ofType(AcceptEvent.class), run.pid());
        final ConnectEvent connect = onlyOne(sink.ofType(ConnectEvent.class), client);
        assertEquals(Protocol.TCP, accept.getProtocol());
        assertEquals(Protocol.TCP, connect.getProtocol());
        assertEquals(0, connect.getError());
        assertEquals(connect.getLocal(), accept.getRemote(), "client end");
        assertEquals(connect.getRemote(), accept.getLocal(), "server end");
        assertEquals(loopback, accept.getLocal().getIp());
        assertEquals(loopback, accept.getRemote().getIp());
        assertNotEquals(0, accept.getLocal().getPort());
        assertNotEquals(accept.getLocal().getPort(), accept.getRemote().getPort());
        assertNull(accept.getLocal().getPath());

        final ForkEvent fork = onlyOne(sink.ofType(ForkEvent.class), client);
        assertEquals(run.pid(), fork.getParentPid());
        assertEquals(accept.getHeader().getStartTime(), fork.getParentStartTime());
        assertEquals(run.pid(), fork.getHeader().getPpid());
    }

    @Test
    void unixSocketsAreReportedByPath() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final String socketPath = dir.resolve("s.sock").toString();
        final ProbedRun run;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(sink);
            run = ProbedRun.probed(channel, "unix", socketPath);
        }
        assertEquals(0, run.exitCode(), run.stdout());
        final AcceptEvent accept = onlyOne(sink.ofType(AcceptEvent.class), run.pid());
        final ConnectEvent connect = sink.ofType(ConnectEvent.class).stream()
                .filter(c -> c.getProtocol() == Protocol.UNIX_STREAM).findFirst().orElseThrow();
        assertEquals(Protocol.UNIX_STREAM, accept.getProtocol());
        assertEquals(new SocketAddress(null, 0, socketPath), accept.getLocal());
        assertEquals(new SocketAddress(null, 0, socketPath), connect.getRemote());
        assertEquals(run.pid(), connect.getHeader().getPpid());
    }

    @Test
    void forkChildrenAreAttributedToTheirParentAndExecStartsAProgram() throws Exception {
        final CapturingSink sink = new CapturingSink();
        final Path file = Files.writeString(dir.resolve("shared.txt"), "x");
        final String self = ProbedRun.EXERCISE.toString();
        final ProbedRun run;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(sink);
            run = ProbedRun.probed(channel, "family", file.toString(), self);
        }
        assertEquals(0, run.exitCode(), run.stdout());
        final String[] kids = run.stdout().replaceAll("(?s).*children (\\d+ \\d+ \\d+).*", "$1").split(" ");
        final long forked = Long.parseLong(kids[0]);
        final long execed = Long.parseLong(kids[1]);
        final long vforked = Long.parseLong(kids[2]);
        final ExecEvent parentExec = onlyOne(sink.ofType(ExecEvent.class), run.pid());

        for (final long child : List.of(forked, execed, vforked)) {
            final ForkEvent fork = onlyOne(sink.ofType(ForkEvent.class), child);
            assertEquals(run.pid(), fork.getParentPid(), "parent of " + child);
            assertEquals(parentExec.getHeader().getStartTime(), fork.getParentStartTime(), "parent instance");
            assertTrue(fork.getHeader().getStartTime() >= parentExec.getHeader().getStartTime());
        }
        // a forked child without exec runs the parent's program: no exec of its own, its opens carry its pid
        assertTrue(sink.ofType(ExecEvent.class).stream().noneMatch(e -> e.getHeader().getPid() == forked));
        assertEquals(AccessMode.WRITE, openOf(sink, forked, file.toString(), O_RDWR).getMode());
        assertEquals(7, onlyOne(sink.ofType(ExitEvent.class), forked).getExitCode());
        // children that exec (after fork, after vfork) start the program with its arguments
        for (final long child : List.of(execed, vforked)) {
            final ExecEvent exec = onlyOne(sink.ofType(ExecEvent.class), child);
            assertEquals(List.of(self, "exec-target", file.toString()), exec.getArgv());
            assertEquals(ProbedRun.EXERCISE.toRealPath().toString(), exec.getProgram());
            assertEquals(run.pid(), exec.getHeader().getPpid());
            assertEquals(AccessMode.READ, openOf(sink, child, file.toString(), O_RDONLY).getMode());
            assertEquals(onlyOne(sink.ofType(ForkEvent.class), child).getHeader().getStartTime(),
                    exec.getHeader().getStartTime(), "exec keeps the process instance");
        }
        // returning from main: the destructor reports the exit, without a code
        assertNull(onlyOne(sink.ofType(ExitEvent.class), run.pid()).getExitCode());
    }

    @Test
    void withoutAChannelTheProgramBehavesExactlyAsWithoutTheProbe() throws Exception {
        final Path lib = ProbeLibrary.require();
        final ProbedRun plain = ProbedRun.run(null, null, "behave", dir.toString());
        assertEquals(3, plain.exitCode(), plain.stdout());
        assertTrue(plain.stdout().contains("child says hi"), plain.stdout());
        final ProbedRun noEnv = ProbedRun.run(lib, null, "behave", dir.toString());
        final ProbedRun noFile = ProbedRun.run(lib, dir.resolve("no-such.ring").toString(), "behave", dir.toString());
        final ProbedRun notARing = ProbedRun.run(lib, Files.writeString(dir.resolve("junk.ring"), "junk").toString(),
                "behave", dir.toString());
        final CapturingSink sink = new CapturingSink();
        final ProbedRun withRing;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(sink);
            withRing = ProbedRun.probed(channel, "behave", dir.toString());
        }
        for (final ProbedRun r : List.of(noEnv, noFile, notARing, withRing)) {
            assertEquals(plain.exitCode(), r.exitCode());
            assertEquals(plain.stdout(), r.stdout());
        }
        final ConnectEvent refused = onlyOne(sink.ofType(ConnectEvent.class), withRing.pid());
        assertEquals(111, refused.getError(), "ECONNREFUSED reported, and still seen by the program");
    }

    @Test
    void aHammerOfThreadsAndProcessesLosesNothingWhenTheRingIsLargeEnough() throws Exception {
        final int procs = 4;
        final int threads = 4;
        final int opens = 2000;
        final Path file = Files.writeString(dir.resolve("hammered.txt"), "x");
        final CapturingSink sink = new CapturingSink();
        final ProbedRun run;
        final ProbeCounters counters;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT.withSlots(512, 65536))) {
            channel.start(sink);
            run = ProbedRun.probed(channel, "hammer", "" + procs, "" + threads, "" + opens, file.toString());
            channel.close();
            counters = channel.counters();
        }
        assertEquals(0, run.exitCode(), run.stdout());
        final long hammered = sink.ofType(OpenEvent.class).stream()
                .filter(e -> e.getPath().equals(file.toString())).count();
        assertEquals((long) procs * threads * opens, hammered);
        assertEquals(procs, sink.ofType(ForkEvent.class).size());
        assertEquals(procs + 1, sink.ofType(ExitEvent.class).size());
        assertEquals(0, counters.droppedByProbe());
        assertEquals(sink.all().size(), counters.recordsRead());
        assertEquals(0, counters.malformed() + counters.abandoned() + counters.truncated());
    }

    @Test
    void aTinyRingCountsWhatItDrops() throws Exception {
        final int procs = 2;
        final int threads = 2;
        final int opens = 100;
        final Path file = Files.writeString(dir.resolve("hammered.txt"), "x");
        final CapturingSink sink = new CapturingSink();
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT.withSlots(256, 16))) {
            // nobody reads while the program runs: the ring fills after 16 records
            final ProbedRun run = ProbedRun.probed(channel, "hammer", "" + procs, "" + threads, "" + opens,
                    file.toString());
            assertEquals(0, run.exitCode(), run.stdout());
            channel.start(sink);
            channel.close();
            final ProbeCounters counters = channel.counters();
            // exec + the parent's IDENTITY (it reads its start time before forking) + forks + opens + exits of
            // children and parent; the IDENTITY record takes a slot but is no event
            final long written = 1 + 1 + procs + (long) procs * threads * opens + procs + 1;
            assertEquals(1, counters.identitiesFromProbe());
            assertEquals(15, counters.recordsRead());
            assertEquals(written - 16, counters.droppedByProbe());
            assertEquals(15, sink.all().size());
            assertEquals(0, counters.heldRecords() + counters.unresolved());
        }
    }

    @Test
    void aRestartedCollectorResumesTheRingWithoutLosingRecords() throws Exception {
        final Path file = Files.writeString(dir.resolve("f.txt"), "x");
        final CapturingSink first = new CapturingSink();
        final ProbedRun before;
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(first);
            before = ProbedRun.probed(channel, "exec-target", file.toString());
        }
        // collector down: the program still runs and its records wait in the ring
        final ProbedRun during = ProbedRun.run(ProbeLibrary.require(), dir.resolve("ring").resolve(HOST + ".ring").toString(),
                "exec-target", file.toString());
        final CapturingSink second = new CapturingSink();
        try (ProbeChannel channel = channel(ProbeChannelConfig.DEFAULT)) {
            channel.start(second);
        }
        assertEquals(before.pid(), onlyOne(first.ofType(ExecEvent.class), before.pid()).getHeader().getPid());
        assertTrue(second.all().stream().allMatch(e -> header(e).getPid() == during.pid()), "nothing twice");
        onlyOne(second.ofType(ExecEvent.class), during.pid());
        openOf(second, during.pid(), file.toString(), O_RDONLY);
        onlyOne(second.ofType(ExitEvent.class), during.pid());
    }

    @Test
    void aRingHasOneReaderAtATime() throws Exception {
        try (ProbeChannel first = channel(ProbeChannelConfig.DEFAULT)) {
            final java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> channel(ProbeChannelConfig.DEFAULT.withSlots(256, 16)));
            assertTrue(e.getMessage().contains("already being read"), e.getMessage());
            assertEquals(first.path(), dir.resolve("ring").resolve(HOST + ".ring"));
        }
        channel(ProbeChannelConfig.DEFAULT).close();
    }

    @Test
    void badConfigurationIsRejectedWithAClearMessage() {
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ProbeChannelConfig.DEFAULT.withSlots(1000, 16));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProbeChannelConfig.DEFAULT.withSlots(256, 3));
        if (!ProbedRun.EXERCISE.toFile().canExecute()) {
            fail("test program missing: " + ProbedRun.EXERCISE);
        }
    }
}
