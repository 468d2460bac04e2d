package io.tether.collector.trace;

import io.tether.collector.probe.ProcessStartTime;
import io.tether.collector.support.CapturingEvents;
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
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The events a recorded trace turns into. The processes of the recording are long gone, so /proc is an empty
 * directory here: this is the path where start times are estimated and the client's own address is unknown;
 * the live path is covered by TraceKafkaTest.
 */
class StraceTranslatorTest {
    private static final int PARENT = 25005;
    private static final int CHILD = 25006;

    @TempDir
    Path emptyProc;

    private CapturingEvents translate(final String fixture, final StraceTranslator[] out) {
        final CapturingEvents events = new CapturingEvents();
        final StraceTranslator translator = new StraceTranslator("h1", events, emptyProc,
                ProcessStartTime.ofBootTime(1_795_600_000L), false, false);
        final StraceParser parser = new StraceParser();
        for (final String line : Fixtures.lines(fixture)) {
            parser.parse(line).ifPresent(translator::accept);
        }
        translator.finish();
        out[0] = translator;
        return events;
    }

    @Test
    void opensCarryAbsolutePathsModesAndOutcome() {
        final StraceTranslator[] translator = new StraceTranslator[1];
        final CapturingEvents events = translate("trace_pair.txt", translator);
        final List<OpenEvent> child = events.of(OpenEvent.class, CHILD);

        final OpenEvent written = open(child, "/tmp/st/w3/written.txt");
        assertEquals(AccessMode.WRITE, written.getMode(), "O_WRONLY|O_CREAT|O_TRUNC, relative to the cwd");
        assertEquals(0x80241, written.getFlags());
        assertTrue(written.getSucceeded());

        final OpenEvent missing = open(child, "/etc/no-such-file.txt");
        assertFalse(missing.getSucceeded(), "ENOENT");
        assertEquals(AccessMode.READ, missing.getMode());

        final OpenEvent viaDirfd = open(child, "/etc/hostname");
        assertEquals(AccessMode.READ, viaDirfd.getMode(), "openat(dirfd </etc>, \"hostname\")");
        assertTrue(viaDirfd.getSucceeded());

        assertEquals(AccessMode.WRITE, open(child, "/tmp/st/w3/shared.db").getMode(), "O_RDWR");
        assertEquals(AccessMode.READ, open(events.of(OpenEvent.class, PARENT), "/tmp/st/w3/written.txt").getMode());
        assertEquals(0, translator[0].unresolvedPaths());
    }

    @Test
    void pseudoFilesAreLeftOutUnlessAsked() {
        final StraceTranslator[] translator = new StraceTranslator[1];
        final CapturingEvents events = translate("ipv6_refused_dev.txt", translator);
        assertTrue(events.all().stream().filter(OpenEvent.class::isInstance).map(OpenEvent.class::cast)
                .noneMatch(o -> o.getPath().startsWith("/dev/")), "DESIGN.md §2: /dev is left out by default");
        assertTrue(events.all().stream().filter(OpenEvent.class::isInstance).map(OpenEvent.class::cast)
                .anyMatch(o -> o.getPath().equals("/tmp/st/k.sh")));
    }

    @Test
    void forkExecAndExitGiveEachProcessOneIdentityAndItsParent() {
        final StraceTranslator[] translator = new StraceTranslator[1];
        final CapturingEvents events = translate("trace_pair.txt", translator);
        final ExecEvent parentExec = events.of(ExecEvent.class, PARENT).get(0);
        assertEquals("/root/.pyenv/versions/3.11.7/bin/python3.11", parentExec.getExecutable());
        assertEquals("/root/.pyenv/versions/3.11.7/bin/python3.11 "
                + "/work/wt/trace/collector/src/test/resources/programs/trace_pair.py", parentExec.getProgram());
        final long parentStart = parentExec.getHeader().getStartTime();
        assertEquals(0, parentStart % 10_000, "an estimated start time is a whole clock tick");

        final ForkEvent fork = events.of(ForkEvent.class, CHILD).get(0);
        assertEquals(PARENT, fork.getParentPid());
        assertEquals(parentStart, fork.getParentStartTime());
        assertEquals(PARENT, fork.getHeader().getPpid());
        final long childStart = fork.getHeader().getStartTime();
        for (final SpecificRecord e : events.ofPid(CHILD)) {
            assertEquals(childStart, ((EventHeader) e.get(0)).getStartTime(), "one instance: " + e);
        }
        assertEquals(fork, events.ofPid(CHILD).get(0), "the fork comes before the child's other events");
        assertEquals(3, events.of(ExitEvent.class, CHILD).get(0).getExitCode());
        assertEquals(5, events.of(ExitEvent.class, PARENT).get(0).getExitCode());

        // sh -c (vfork'd by os.system) and the cat it vforks: each its own program, each with a fork from its parent
        final ExecEvent sh = events.of(ExecEvent.class, 25008).get(0);
        assertEquals(List.of("sh", "-c", "cat written.txt"), sh.getArgv());
        assertEquals(sh.getExecutable(), sh.getProgram(), "'sh -c' runs inline code: the shell alone is the program");
        assertEquals(PARENT, events.of(ForkEvent.class, 25008).get(0).getParentPid());
        assertEquals(25008, events.of(ForkEvent.class, 25009).get(0).getParentPid());
        assertTrue(events.of(ExecEvent.class, 25009).get(0).getExecutable().endsWith("/cat"));
        assertEquals(0, translator[0].orphans());
        assertTrue(events.all().stream().allMatch(e -> ((EventHeader) e.get(0)).getSource() == CaptureSource.STRACE
                && ((EventHeader) e.get(0)).getHostId().equals("h1")));
    }

    @Test
    void acceptAndConnectCarryTheSameFourTupleEvenWhenTheSocketIsGoneFromProc() {
        final StraceTranslator[] translator = new StraceTranslator[1];
        final CapturingEvents events = translate("trace_pair.txt", translator);
        final AcceptEvent accept = events.of(AcceptEvent.class, PARENT).get(0);
        assertEquals(Protocol.TCP, accept.getProtocol());
        assertEquals("127.0.0.1", accept.getLocal().getIp());
        assertEquals(45493, accept.getLocal().getPort());
        assertEquals("127.0.0.1", accept.getRemote().getIp());
        assertEquals(42484, accept.getRemote().getPort());

        // not in this /proc: the client's own end comes from the decoration of the close of its fd
        final ConnectEvent connect = events.of(ConnectEvent.class, CHILD).get(0);
        assertEquals(accept.getLocal(), connect.getRemote());
        assertEquals(accept.getRemote(), connect.getLocal());
        assertEquals(0, connect.getError());
        assertEquals(0, translator[0].connectsWithoutLocalAddress());

        // the events the child had after its connect waited behind it: the child's events keep their order
        final List<SpecificRecord> child = events.ofPid(CHILD);
        assertTrue(child.indexOf(connect) < child.indexOf(events.of(ExitEvent.class, CHILD).get(0)));
    }

    @Test
    void ipv6AcceptsAndRefusedConnectsAreReported() {
        final StraceTranslator[] translator = new StraceTranslator[1];
        final CapturingEvents events = translate("ipv6_refused_dev.txt", translator);
        final AcceptEvent accept = events.of(AcceptEvent.class, 31034).get(0);
        assertEquals("::1", accept.getLocal().getIp());
        assertEquals(58261, accept.getLocal().getPort());
        assertEquals(34990, accept.getRemote().getPort());
        final List<ConnectEvent> connects = events.of(ConnectEvent.class, 31034);
        assertEquals("::1", connects.get(0).getRemote().getIp());
        assertEquals(115, connects.get(1).getError(), "EINPROGRESS");
        assertEquals(1, connects.get(1).getRemote().getPort());
    }

    @Test
    void aChildSeenBeforeItsParentsVforkReturnsWaitsForItSoThatItsForkComesFirst() {
        final StraceTranslator[] translator = new StraceTranslator[1];
        // strace printed the vfork'd cat's execve before the shell's vfork returned its pid
        final CapturingEvents events = translate("vfork_child_first.txt", translator);
        final List<SpecificRecord> cat = events.ofPid(28895);
        final ForkEvent fork = (ForkEvent) cat.get(0);
        assertEquals(28894, fork.getParentPid());
        assertEquals(events.of(ExecEvent.class, 28894).get(0).getHeader().getStartTime(), fork.getParentStartTime());
        assertEquals(List.of("cat", "out.txt"), ((ExecEvent) cat.get(1)).getArgv());
        assertEquals("/tmp/st/work/out.txt", ((OpenEvent) cat.get(2)).getPath());
        assertEquals(0, translator[0].orphans());
    }

    private static OpenEvent open(final List<OpenEvent> opens, final String path) {
        return opens.stream().filter(o -> o.getPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no open of " + path + " in " + opens));
    }
}
