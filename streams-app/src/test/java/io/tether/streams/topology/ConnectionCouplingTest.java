package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.CouplingKind;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.MigrationSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionCouplingTest extends TopologyTestBase {
    private static final String WEB = "/usr/sbin/web@web-1";
    private static final String DB = "/usr/sbin/db@db-1";

    @Test
    void connectAndAcceptPairAcrossHosts() {
        final Proc web = proc("web-1", 100, 0);
        final Proc db = proc("db-1", 200, 0);
        exec(web, 1, "/usr/sbin/web");
        exec(db, 2, "/usr/sbin/db");
        connect(web, 100, "198.18.0.1", 40000, "198.18.0.2", 5432);
        // the server's clock is 3 s behind: still within the join window
        accept(db, 97, "198.18.0.2", 5432, "198.18.0.1", 40000);
        settle(settled(100));

        final MigrationSet set = setOf(WEB);
        assertEquals(List.of(DB, WEB), apps(set));
        assertEquals(set, setOf(DB));
        assertEquals(List.of(), set.getExternal());
        assertEquals(1, set.getConnections().size());
        assertEquals("198.18.0.1", set.getConnections().get(0).getClient().getIp());
        final Coupling coupling = set.getCouplings().get(0);
        assertEquals(List.of(WEB, DB, CouplingKind.CONNECTS, "connects 198.18.0.2:5432"),
            List.of(coupling.getFrom(), coupling.getTo(), coupling.getKind(), coupling.getDetail()));
    }

    @Test
    void loopbackOnTwoHostsDoesNotPair() {
        final Proc client = proc("h1", 100, 0);
        final Proc server = proc("h2", 200, 0);
        exec(client, 1, "/usr/bin/client");
        exec(server, 2, "/usr/bin/server");
        connect(client, 100, "127.0.0.1", 40000, "127.0.0.1", 8080);
        accept(server, 100, "127.0.0.1", 8080, "127.0.0.1", 40000);
        settle(settled(100));

        final MigrationSet clientSet = setOf("/usr/bin/client@h1");
        assertEquals(List.of("/usr/bin/client@h1"), apps(clientSet));
        assertEquals(List.of("/usr/bin/server@h2"), apps(setOf("/usr/bin/server@h2")));
        final ExternalEndpoint out = clientSet.getExternal().get(0);
        assertEquals(Direction.OUTBOUND, out.getDirection());
        assertEquals("127.0.0.1", out.getAddress().getIp());
        assertEquals(8080, out.getAddress().getPort());
    }

    @Test
    void loopbackOnOneHostPairs() {
        final Proc client = proc("h1", 100, 0);
        final Proc server = proc("h1", 200, 0);
        exec(client, 1, "/usr/bin/client");
        exec(server, 2, "/usr/bin/server");
        connect(client, 100, "127.0.0.1", 40000, "127.0.0.1", 8080);
        accept(server, 101, "127.0.0.1", 8080, "127.0.0.1", 40000);
        settle(settled(101));

        assertEquals(List.of("/usr/bin/client@h1", "/usr/bin/server@h1"), apps(setOf("/usr/bin/client@h1")));
    }

    @Test
    void unpairedSidesBecomeExternalEndpoints() {
        final Proc web = proc("web-1", 100, 0);
        exec(web, 1, "/usr/sbin/web");
        // outbound to a server nobody observes, inbound from a client nobody observes
        connect(web, 100, "198.18.0.1", 40000, "198.51.100.7", 443);
        accept(web, 200, "198.18.0.1", 8080, "198.51.100.9", 51000);
        settle(settled(200));

        final MigrationSet set = setOf(WEB);
        assertEquals(List.of(WEB), apps(set));
        assertEquals(2, set.getExternal().size());
        // sorted by ap, then direction
        final ExternalEndpoint inbound = set.getExternal().get(0);
        final ExternalEndpoint outbound = set.getExternal().get(1);
        assertEquals(Direction.INBOUND, inbound.getDirection());
        assertEquals("198.51.100.9", inbound.getAddress().getIp());
        assertEquals(8080, inbound.getLocal().getPort());
        assertEquals(Direction.OUTBOUND, outbound.getDirection());
        assertEquals("198.51.100.7", outbound.getAddress().getIp());
        assertEquals(443, outbound.getAddress().getPort());
        assertEquals(List.of(), set.getCouplings());
    }

    @Test
    void couplingIsTransitiveThroughConnectionsAndWrittenFiles() {
        final Proc a = proc("h1", 100, 0);
        final Proc b = proc("h2", 200, 0);
        final Proc c = proc("h2", 300, 0);
        exec(a, 1, "/usr/bin/a");
        exec(b, 2, "/usr/bin/b");
        exec(c, 3, "/usr/bin/c");
        connect(a, 100, "198.18.0.1", 40000, "198.18.0.2", 9000);
        accept(b, 100, "198.18.0.2", 9000, "198.18.0.1", 40000);
        open(b, 110, "/var/lib/b/queue", AccessMode.WRITE);
        open(c, 111, "/var/lib/b/queue", AccessMode.READ);
        settle(settled(111));

        final MigrationSet set = setOf("/usr/bin/a@h1");
        assertEquals(List.of("/usr/bin/a@h1", "/usr/bin/b@h2", "/usr/bin/c@h2"), apps(set));
        assertEquals(List.of("h2:/var/lib/b/queue=MOVE"), files(set));
        assertEquals(set, setOf("/usr/bin/c@h2"));
    }

    /** The research's Figure 1: AP1 on computer 1 uses A and B, AP2 on computer 2 uses C and D, AP1 talks to AP2. */
    @Test
    void researchFigureOne() {
        final Proc ap1 = proc("computer1", 100, 0);
        final Proc ap2 = proc("computer2", 100, 0);
        exec(ap1, 1, "/opt/ap1");
        exec(ap2, 1, "/opt/ap2");
        open(ap1, 10, "/data/A", AccessMode.READ);
        open(ap1, 11, "/data/B", AccessMode.WRITE);
        open(ap2, 12, "/data/C", AccessMode.READ);
        open(ap2, 13, "/data/D", AccessMode.WRITE);
        connect(ap1, 20, "198.18.0.1", 41000, "198.18.0.2", 7000);
        accept(ap2, 21, "198.18.0.2", 7000, "198.18.0.1", 41000);
        settle(settled(21));

        final MigrationSet set = setOf("/opt/ap1@computer1");
        assertEquals(List.of("/opt/ap1@computer1", "/opt/ap2@computer2"), apps(set));
        assertEquals(List.of("computer1:/data/A=COPY", "computer1:/data/B=MOVE", "computer2:/data/C=COPY",
            "computer2:/data/D=MOVE"), files(set));
        assertEquals(set, setOf("/opt/ap2@computer2"));
    }
}
