package io.tether.collector.scan;

import io.tether.collector.support.CapturingEvents;
import io.tether.collector.support.Programs;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.ExecEvent;
import io.tether.netns.NetnsHost;
import io.tether.netns.NetnsHosts;
import io.tether.testkit.netns.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two simulated hosts (network namespaces): a scanner per namespace covers only that namespace's processes and
 * sees the connection with the namespace addresses, server side as accept, client side as connect.
 */
class NamespaceScanTest {
    @TempDir
    Path dir;

    @Test
    void eachNamespaceScannerSeesItsOwnSideOfACrossHostConnection() throws Exception {
        try (NetnsHosts hosts = TestHosts.create(2)) {
            final NetnsHost h1 = hosts.host(1);
            final NetnsHost h2 = hosts.host(2);
            h2.requireRouteInside(h1.address());
            final String python = Programs.python();
            final Path file = Files.writeString(dir.resolve("ro.txt"), "x");
            try (Programs.Running server = Programs.start(h1.command(List.of(python,
                    Programs.script("tcp_server.py").toString(), h1.address(), "0", dir.resolve("rw.log").toString(),
                    file.toString())));
                 Programs.Running client = Programs.start(h2.command(List.of(python,
                         Programs.script("tcp_client.py").toString(), h1.address(), server.word(1))))) {
                final int port = Integer.parseInt(server.word(1));
                final ProcScanner scan1 = ProcScanner.of("h1", NetnsScope.named(h1.namespace()));
                final ProcScanner scan2 = ProcScanner.of("h2", NetnsScope.named(h2.namespace()));
                final CapturingEvents events1 = new CapturingEvents();
                final CapturingEvents events2 = new CapturingEvents();
                for (int i = 0; i < 50 && accepts(events1).isEmpty(); i++) {
                    scan1.scan(events1);
                    Thread.sleep(100);
                }
                scan2.scan(events2);

                final AcceptEvent accept = accepts(events1).get(0);
                final ConnectEvent connect = events2.all().stream().filter(ConnectEvent.class::isInstance)
                        .map(ConnectEvent.class::cast).findFirst().orElseThrow();
                assertEquals(h1.address(), accept.getLocal().getIp());
                assertEquals(port, accept.getLocal().getPort());
                assertEquals(h2.address(), accept.getRemote().getIp());
                assertEquals(accept.getLocal(), connect.getRemote());
                assertEquals(accept.getRemote(), connect.getLocal());
                assertEquals("h1", accept.getHeader().getHostId());
                assertEquals("h2", connect.getHeader().getHostId());

                // 'ip netns exec' execs the program in place: the pids are the ones we started
                final ExecEvent serverExec = execOf(events1, accept.getHeader().getPid());
                final ExecEvent clientExec = execOf(events2, connect.getHeader().getPid());
                assertEquals(python + " " + Programs.script("tcp_server.py"), serverExec.getProgram());
                assertEquals(python + " " + Programs.script("tcp_client.py"), clientExec.getProgram());
                assertEquals(server.pid(), accept.getHeader().getPid());
                assertEquals(client.pid(), connect.getHeader().getPid());
                assertTrue(events1.ofPid(client.pid()).isEmpty(), "h1's scanner does not cover h2's processes");
                assertTrue(events2.ofPid(server.pid()).isEmpty(), "h2's scanner does not cover h1's processes");
                assertTrue(events1.ofPid((int) ProcessHandle.current().pid()).isEmpty(),
                        "nor the root namespace's");
                assertEquals(null, accept.getHeader().getNetns(), "one namespace per collector: no namespace in events");

                // --all-netns: one scanner for every namespace, each event noting its process's namespace
                final CapturingEvents all = new CapturingEvents();
                ProcScanner.of("machine", NetnsScope.all()).scan(all);
                final AcceptEvent seenByAll = all.of(AcceptEvent.class, server.pid()).get(0);
                assertEquals(NetnsScope.named(h1.namespace()).inode(), seenByAll.getHeader().getNetns());
                assertEquals(NetnsScope.named(h2.namespace()).inode(),
                        all.of(ConnectEvent.class, client.pid()).get(0).getHeader().getNetns());
                assertEquals(accept.getLocal(), seenByAll.getLocal());
            }
        }
    }

    @Test
    void aUnixConnectionInsideANamespaceIsSeenByThatNamespacesScanner() throws Exception {
        try (NetnsHosts hosts = TestHosts.create(1)) {
            final NetnsHost h1 = hosts.host(1);
            final String python = Programs.python();
            final Path socket = dir.resolve("ns.sock");
            final Path log = dir.resolve("accepted.log");
            try (Programs.Running server = Programs.start(h1.command(List.of(python,
                    Programs.script("unix_server.py").toString(), socket.toString(), log.toString())));
                 Programs.Running client = Programs.start(h1.command(List.of(python,
                         Programs.script("unix_client.py").toString(), socket.toString())))) {
                for (int i = 0; i < 100 && (!Files.exists(log) || Files.readAllLines(log).isEmpty()); i++) {
                    Thread.sleep(50);
                }
                // the scanner runs in the root namespace: the peers of h1's sockets are asked for inside h1
                final CapturingEvents events = new CapturingEvents();
                ProcScanner.of("h1", NetnsScope.named(h1.namespace())).scan(events);
                final CapturingEvents all = new CapturingEvents();
                ProcScanner.of("machine", NetnsScope.all()).scan(all);

                for (final CapturingEvents seen : List.of(events, all)) {
                    final AcceptEvent accept = seen.of(AcceptEvent.class, server.pid()).get(0);
                    final ConnectEvent connect = seen.of(ConnectEvent.class, client.pid()).get(0);
                    assertEquals(socket.toString(), accept.getLocal().getPath());
                    assertEquals(accept.getLocal(), connect.getRemote(), "both name the server's path");
                }
                assertEquals(NetnsScope.named(h1.namespace()).inode(),
                        all.of(AcceptEvent.class, server.pid()).get(0).getHeader().getNetns());
            }
        }
    }

    @Test
    void anUnknownNamespaceIsAClearError() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetnsScope.named("no-such-namespace-" + System.nanoTime()));
        assertTrue(e.getMessage().startsWith("unknown network namespace 'no-such-namespace-"), e.getMessage());
    }

    private static List<AcceptEvent> accepts(final CapturingEvents events) {
        final List<AcceptEvent> result = new ArrayList<>();
        events.all().stream().filter(AcceptEvent.class::isInstance).map(AcceptEvent.class::cast).forEach(result::add);
        return result;
    }

    private static ExecEvent execOf(final CapturingEvents events, final int pid) {
        return events.of(ExecEvent.class, pid).get(0);
    }
}
