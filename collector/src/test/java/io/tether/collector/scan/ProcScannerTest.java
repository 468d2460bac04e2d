package io.tether.collector.scan;

import io.tether.collector.support.CapturingEvents;
import io.tether.collector.support.Programs;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /proc scanner against real processes, sockets and files on this machine (no Kafka needed). */
class ProcScannerTest {

    @TempDir
    Path dir;

    @Test
    void findsAServerStartedBeforeItsListeningSocketAnEstablishedConnectionAndAFileHeldReadWrite() throws Exception {
        final Path written = dir.resolve("state.log");
        final Path readOnly = Files.writeString(dir.resolve("config.txt"), "x");
        final String python = Programs.python();
        final Path serverScript = Programs.script("tcp_server.py");
        try (Programs.Running server = Programs.start(List.of(python, serverScript.toString(), "127.0.0.1", "0",
                written.toString(), readOnly.toString()));
             Programs.Running client = Programs.start(List.of(python, Programs.script("tcp_client.py").toString(),
                     "127.0.0.1", server.word(1)))) {
            final int port = Integer.parseInt(server.word(1));
            final int clientPort = Integer.parseInt(client.word(2));
            final ProcScanner scanner = ProcScanner.of("scan-host", NetnsScope.own(Path.of("/proc")));
            final CapturingEvents events = new CapturingEvents();

            final ScanResult first = scanAfterAccept(scanner, events, server.pid());

            final ExecEvent exec = only(events.of(ExecEvent.class, server.pid()));
            assertEquals(python, exec.getExecutable());
            assertEquals(python + " " + serverScript, exec.getProgram());
            assertEquals(CaptureSource.PROCSCAN, exec.getHeader().getSource());
            assertEquals("scan-host", exec.getHeader().getHostId());
            assertEquals(ProcessHandle.current().pid(), exec.getHeader().getPpid());
            final long startedMicros = server.process().info().startInstant().orElseThrow().toEpochMilli() * 1000;
            assertTrue(Math.abs(exec.getHeader().getStartTime() - startedMicros) <= 20_000,
                    "start time from /proc/PID/stat matches the process's start: " + exec.getHeader().getStartTime()
                            + " vs " + startedMicros);

            assertTrue(first.listening().stream().anyMatch(l -> l.pid() == server.pid() && l.port() == port
                    && l.protocol() == Protocol.TCP && "127.0.0.1".equals(l.ip())), "listening socket: " + first.listening());

            final AcceptEvent accept = only(events.of(AcceptEvent.class, server.pid()));
            assertEquals("127.0.0.1", accept.getLocal().getIp());
            assertEquals(port, accept.getLocal().getPort());
            assertEquals(clientPort, accept.getRemote().getPort());
            final ConnectEvent connect = only(events.of(ConnectEvent.class, client.pid()));
            assertEquals(accept.getLocal(), connect.getRemote(), "both sides name the same server end");
            assertEquals(accept.getRemote(), connect.getLocal(), "both sides name the same client end");
            assertTrue(events.of(AcceptEvent.class, client.pid()).isEmpty(), "the client is not a server");

            final List<OpenEvent> opens = events.of(OpenEvent.class, server.pid());
            final OpenEvent rw = opens.stream().filter(o -> o.getPath().equals(written.toString())).findFirst().orElseThrow();
            assertEquals(AccessMode.WRITE, rw.getMode());
            final OpenEvent ro = opens.stream().filter(o -> o.getPath().equals(readOnly.toString())).findFirst().orElseThrow();
            assertEquals(AccessMode.READ, ro.getMode());
            assertTrue(opens.stream().noneMatch(o -> o.getPath().startsWith("/proc/") || o.getPath().startsWith("/dev/pts")
                    || o.getPath().startsWith("/dev/null")), "pseudo file systems are left out: " + opens);

            events.clear();
            scanner.scan(events);
            assertTrue(events.ofPid(server.pid()).isEmpty() && events.ofPid(client.pid()).isEmpty(),
                    "a second pass reports only changes: " + events.ofPid(server.pid()));

            final int clientPid = client.pid();
            client.close();
            events.clear();
            scanner.scan(events);
            final ExitEvent exit = only(events.of(ExitEvent.class, clientPid));
            assertNull(exit.getExitCode(), "the scanner only saw the process disappear");
        }
    }

    @Test
    void unreadableEntriesAreSkippedAndCountedNotFatal() throws Exception {
        // a fake /proc with one readable process and one whose entries cannot be read
        final Path proc = dir.resolve("proc");
        Files.createDirectories(proc);
        Files.writeString(proc.resolve("stat"), "cpu 1 2 3\nbtime 1700000000\n");
        Files.createSymbolicLink(proc.resolve("self"), Path.of("4242"));
        final Path ok = Files.createDirectories(proc.resolve("4242"));
        Files.createDirectories(ok.resolve("ns"));
        Files.createSymbolicLink(ok.resolve("ns/net"), Path.of("net:[4026531840]"));
        Files.writeString(ok.resolve("stat"), "4242 (my (odd) prog) S 1 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
                + "12345 0 0\n");
        Files.createSymbolicLink(ok.resolve("exe"), Path.of("/usr/bin/true"));
        Files.write(ok.resolve("cmdline"), "/usr/bin/true\0".getBytes());
        Files.createSymbolicLink(ok.resolve("cwd"), Path.of("/"));
        Files.writeString(ok.resolve("status"), "Name:\ttrue\nUid:\t1000\t1000\t1000\t1000\n");
        Files.createDirectories(ok.resolve("fd"));
        final Path broken = Files.createDirectories(proc.resolve("4343"));
        Files.createDirectories(broken.resolve("ns"));
        Files.createSymbolicLink(broken.resolve("ns/net"), Path.of("net:[4026531840]"));
        // no stat file: like a process that exited between listing and reading

        final ProcScanner scanner = new ProcScanner("fake", proc, NetnsScope.own(proc), false, Clock.systemUTC());
        final CapturingEvents events = new CapturingEvents();
        final ScanResult result = scanner.scan(events);

        assertEquals(1, result.unreadable());
        assertEquals(1, scanner.unreadableTotal());
        final ExecEvent exec = only(events.of(ExecEvent.class, 4242));
        assertEquals(1_700_000_000_000_000L + 12345L * 10_000L, exec.getHeader().getStartTime(),
                "start time = btime + starttime / CLK_TCK, in microseconds");
        assertEquals(1, exec.getHeader().getPpid());
        assertEquals(1000, exec.getHeader().getUid());
        assertEquals(1, events.all().size());
    }

    private static ScanResult scanAfterAccept(final ProcScanner scanner, final CapturingEvents events, final int serverPid)
            throws InterruptedException {
        // the connection is established before the client prints "ready"; the server's accept() may lag a little
        ScanResult result = scanner.scan(events);
        for (int i = 0; i < 50 && events.of(AcceptEvent.class, serverPid).isEmpty(); i++) {
            Thread.sleep(100);
            result = scanner.scan(events);
        }
        return result;
    }

    private static <T> T only(final List<T> list) {
        assertEquals(1, list.size(), "exactly one: " + list);
        return list.get(0);
    }
}
