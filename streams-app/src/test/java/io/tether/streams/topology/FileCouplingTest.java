package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.CouplingKind;
import io.tether.schemas.model.MigrationSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileCouplingTest extends TopologyTestBase {

    @Test
    void readOnlySharingCouplesNobody() {
        final Proc a = proc("h1", 100, 0);
        final Proc b = proc("h1", 200, 0);
        exec(a, 1, "/usr/bin/reader-a");
        exec(b, 2, "/usr/bin/reader-b");
        open(a, 10, "/etc/shared.conf", AccessMode.READ);
        open(b, 11, "/etc/shared.conf", AccessMode.READ);
        settle(settled(11));

        final MigrationSet setA = setOf("/usr/bin/reader-a@h1");
        final MigrationSet setB = setOf("/usr/bin/reader-b@h1");
        assertEquals(List.of("/usr/bin/reader-a@h1"), apps(setA));
        assertEquals(List.of("/usr/bin/reader-b@h1"), apps(setB));
        assertEquals(List.of("h1:/etc/shared.conf=COPY"), files(setA));
        assertEquals(List.of("h1:/etc/shared.conf=COPY"), files(setB));
        assertEquals(List.of(), setA.getCouplings());
    }

    @Test
    void oneWriterCouplesAllUsers() {
        final Proc writer = proc("h1", 100, 0);
        final Proc r1 = proc("h1", 200, 0);
        final Proc r2 = proc("h1", 300, 0);
        exec(writer, 1, "/usr/bin/writer");
        exec(r1, 2, "/usr/bin/reader-1");
        exec(r2, 3, "/usr/bin/reader-2");
        open(r1, 10, "/srv/data.db", AccessMode.READ);
        open(r2, 11, "/srv/data.db", AccessMode.READ);
        open(writer, 12, "/srv/data.db", AccessMode.WRITE);
        open(r1, 13, "/etc/r1.conf", AccessMode.READ);
        settle(settled(13));

        final MigrationSet set = setOf("/usr/bin/reader-2@h1");
        assertNotNull(set);
        assertEquals(List.of("/usr/bin/reader-1@h1", "/usr/bin/reader-2@h1", "/usr/bin/writer@h1"), apps(set));
        assertEquals("/usr/bin/reader-1@h1", set.getComponentId());
        assertEquals(List.of("h1:/etc/r1.conf=COPY", "h1:/srv/data.db=MOVE"), files(set));
        assertEquals(set, setOf("/usr/bin/writer@h1"));
        assertEquals(2, set.getCouplings().size());
        set.getCouplings().forEach(c -> {
            assertEquals(CouplingKind.SHARES_WRITTEN_FILE, c.getKind());
            assertEquals("/usr/bin/writer@h1", c.getFrom());
            assertEquals("writes h1:/srv/data.db", c.getDetail());
        });
    }
}
