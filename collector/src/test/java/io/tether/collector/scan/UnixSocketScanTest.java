package io.tether.collector.scan;

import io.tether.collector.support.CapturingEvents;
import io.tether.collector.support.Programs;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scanner's Unix-domain connections, against real processes holding real sockets on this machine. */
class UnixSocketScanTest {

    @TempDir
    Path dir;

    @Test
    void aConnectedClientIsAnAcceptOnTheServerAndAConnectOnTheClientNamedByTheSocketPath() throws Exception {
        // a space in the path: ss prints names unquoted, the pairing must not depend on them
        final Path socket = Files.createDirectories(dir.resolve("with space")).resolve("s.sock");
        final Path log = dir.resolve("accepted.log");
        final String python = Programs.python();
        try (Programs.Running server = Programs.start(List.of(python, Programs.script("unix_server.py").toString(),
                socket.toString(), log.toString()));
             Programs.Running first = Programs.start(List.of(python, Programs.script("unix_client.py").toString(),
                     socket.toString()));
             Programs.Running second = Programs.start(List.of(python, Programs.script("unix_client.py").toString(),
                     socket.toString()))) {
            awaitAccepted(log, 2);
            final ProcScanner scanner = ProcScanner.of("unix-host", NetnsScope.own(Path.of("/proc")));
            final CapturingEvents events = new CapturingEvents();

            final ScanResult result = scanner.scan(events);

            final SocketAddress serverEnd = new SocketAddress(null, 0, socket.toString());
            final SocketAddress unnamedClient = new SocketAddress(null, 0, "");
            final List<AcceptEvent> accepts = events.of(AcceptEvent.class, server.pid());
            assertEquals(2, accepts.size(), "one accept per connected client: " + accepts);
            for (final AcceptEvent accept : accepts) {
                assertEquals(Protocol.UNIX_STREAM, accept.getProtocol());
                assertEquals(serverEnd, accept.getLocal());
                assertEquals(unnamedClient, accept.getRemote(), "an unbound client, named as getpeername names it");
            }
            for (final Programs.Running client : List.of(first, second)) {
                final ConnectEvent connect = only(events.of(ConnectEvent.class, client.pid()));
                assertEquals(Protocol.UNIX_STREAM, connect.getProtocol());
                assertEquals(serverEnd, connect.getRemote(), "the same address as the server's accept");
                assertEquals(unnamedClient, connect.getLocal());
                assertTrue(events.of(AcceptEvent.class, client.pid()).isEmpty(), "a client is not a server");
            }
            assertTrue(events.of(ConnectEvent.class, server.pid()).isEmpty(),
                    "the server's accepted sockets and its socketpair are no connects");
            assertTrue(result.listening().stream().anyMatch(l -> l.pid() == server.pid()
                    && l.protocol() == Protocol.UNIX_STREAM && socket.toString().equals(l.path())), "listener listed");

            events.clear();
            scanner.scan(events);
            assertTrue(events.ofPid(server.pid()).isEmpty() && events.ofPid(first.pid()).isEmpty()
                    && events.ofPid(second.pid()).isEmpty(), "a second pass reports only changes: " + events.all());
        }
    }

    @Test
    void aListenerWithoutClientsIsListedButNoConnection() throws Exception {
        final Path socket = dir.resolve("alone.sock");
        final String python = Programs.python();
        try (Programs.Running server = Programs.start(List.of(python, Programs.script("unix_server.py").toString(),
                socket.toString(), dir.resolve("accepted.log").toString()))) {
            final ProcScanner scanner = ProcScanner.of("unix-host", NetnsScope.own(Path.of("/proc")));
            final CapturingEvents events = new CapturingEvents();

            final ScanResult result = scanner.scan(events);

            assertTrue(result.listening().stream().anyMatch(l -> l.pid() == server.pid()
                    && l.protocol() == Protocol.UNIX_STREAM && socket.toString().equals(l.path())),
                    "listening socket: " + result.listening());
            assertTrue(events.of(AcceptEvent.class, server.pid()).isEmpty()
                    && events.of(ConnectEvent.class, server.pid()).isEmpty(),
                    "neither the listener nor the connected socketpair it holds is a connection: "
                            + events.ofPid(server.pid()));
        }
    }

    /** Waits (bounded) until the server logged {@code count} accepts: before that a client has no peer to pair. */
    private static void awaitAccepted(final Path log, final int count) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(log) && Files.readAllLines(log).size() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not accept " + count + " connections within 5 s");
    }

    private static <T> T only(final List<T> list) {
        assertEquals(1, list.size(), "exactly one: " + list);
        return list.get(0);
    }
}
