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

    @Test
    void repeatedOpensByManyWorkersAreAllCountedAndTheFileShowsAtOnce() {
        final Proc master = proc("h1", 100, 0);
        exec(master, 1, "/usr/sbin/web");
        final int workers = 6;
        for (int i = 0; i < workers; i++) {
            final Proc worker = proc("h1", 1000 + i, 10 + i);
            fork(worker, master, 10 + i);
            open(worker, 20 + i, "/usr/lib/libc.so.6", AccessMode.READ);
            open(worker, 21 + i, "/usr/lib/libc.so.6", AccessMode.READ);
        }
        flush();
        // the first open is passed on at once; the repeats wait for the refresh
        final MigrationSet early = setOf("/usr/sbin/web@h1");
        assertNotNull(early);
        assertEquals(List.of("h1:/usr/lib/libc.so.6=COPY"), files(early));
        assertEquals(1L, early.getFiles().get(0).getOpenedBy().get(0).getCount());

        settle(settled(40) + options.evidenceRefresh().toMillis());
        final MigrationSet set = setOf("/usr/sbin/web@h1");
        assertEquals(2L * workers, set.getFiles().get(0).getOpenedBy().get(0).getCount(),
            "every open is counted once");
        assertEquals(workers + 1, set.getApps().get(0).getPids().size(), "the master and every worker");
    }
}
