package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.MigrationSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessAttributionTest extends TopologyTestBase {

    @Test
    void forkedChildInheritsItsParentsProgramUntilItExecs() {
        final Proc shell = proc("h1", 100, 0);
        final Proc child = proc("h1", 101, 50);
        exec(shell, 1, "/usr/bin/server");
        fork(child, shell, 50);
        open(child, 60, "/var/log/server.log", AccessMode.WRITE);
        exec(child, 70, "/usr/bin/helper");
        open(child, 80, "/etc/helper.conf", AccessMode.READ);
        settle(settled(80));

        final MigrationSet server = setOf("/usr/bin/server@h1");
        assertEquals(List.of("/usr/bin/server@h1"), apps(server));
        assertEquals(List.of("h1:/var/log/server.log=MOVE"), files(server));
        assertEquals(List.of(100), server.getApps().get(0).getPids(), "the child runs the helper now, not the server");
        assertEquals(List.of(101), setOf("/usr/bin/helper@h1").getApps().get(0).getPids());
        assertEquals(List.of("h1:/etc/helper.conf=COPY"), files(setOf("/usr/bin/helper@h1")));
    }

    @Test
    void anExitedWorkerStillCountsAsEvidenceButIsNoLongerALivePid() {
        final Proc master = proc("h1", 100, 0);
        final Proc worker = proc("h1", 101, 50);
        exec(master, 1, "/usr/sbin/web");
        fork(worker, master, 50);
        open(worker, 60, "/var/spool/web/queue", AccessMode.WRITE);
        flush();
        assertEquals(List.of(100, 101), setOf("/usr/sbin/web@h1").getApps().get(0).getPids());

        exit(worker, 70);
        settle(settled(70));
        final MigrationSet set = setOf("/usr/sbin/web@h1");
        assertEquals(List.of(100), set.getApps().get(0).getPids(), "only the running process is to be moved");
        assertEquals(List.of("h1:/var/spool/web/queue=MOVE"), files(set), "what the worker did still counts");
    }

    @ParameterizedTest(name = "exit processed first: {0}")
    @ValueSource(booleans = {true, false})
    void aChildThatExecsAndExitsInOneMillisecondIsNotLiveWhicheverComesFirst(final boolean exitFirst) {
        // a shell's short command: fork, exec and exit within one millisecond; a host task takes records of the
        // same millisecond from the exec and exit topics in no fixed order
        final Proc shell = proc("h1", 100, 0);
        final Proc child = proc("h1", 101, 50);
        exec(shell, 1, "/bin/sh");
        fork(child, shell, 50);
        if (exitFirst) {
            exit(child, 50);
            exec(child, 50, "/bin/cat");
        } else {
            exec(child, 50, "/bin/cat");
            exit(child, 50);
        }
        settle(settled(50));

        final MigrationSet cat = setOf("/bin/cat@h1");
        assertEquals(List.of("/bin/cat@h1"), apps(cat));
        assertEquals(List.of(), cat.getApps().get(0).getPids(), "the command has exited: no process to move");
        assertEquals(List.of(100), setOf("/bin/sh@h1").getApps().get(0).getPids());
    }

    @Test
    void aForkProcessedAfterTheChildsExecDoesNotLeaveTheChildLiveInTheParentsProgram() {
        // the fork's input partition lagged the exec's: the child's exec (60) is processed before its fork (50)
        final Proc shell = proc("h1", 100, 0);
        final Proc child = proc("h1", 101, 50);
        exec(shell, 1, "/bin/sh");
        exec(child, 60, "/usr/bin/worker");
        fork(child, shell, 50);
        open(child, 55, "/var/log/sh.log", AccessMode.WRITE);
        settle(settled(60));

        assertEquals(List.of(100), setOf("/bin/sh@h1").getApps().get(0).getPids(), "the child runs the worker now");
        assertEquals(List.of("h1:/var/log/sh.log=MOVE"), files(setOf("/bin/sh@h1")), "what it did as a shell counts");
        assertEquals(List.of(101), setOf("/usr/bin/worker@h1").getApps().get(0).getPids());
    }

    @Test
    void forkBeforeTheParentsLateExecStillInherits() {
        final Proc parent = proc("h1", 100, 0);
        final Proc child = proc("h1", 101, 50);
        fork(child, parent, 50);
        open(child, 60, "/srv/spool", AccessMode.WRITE);
        exec(parent, 1, "/usr/bin/daemon");
        settle(settled(60));

        assertEquals(List.of("h1:/srv/spool=MOVE"), files(setOf("/usr/bin/daemon@h1")));
    }

    @Test
    void reusedPidNeverInheritsTheDeadProcessProgram() {
        final Proc old = proc("h1", 100, 0);
        final Proc reused = proc("h1", 100, 500);
        exec(old, 1, "/usr/bin/old");
        open(old, 10, "/srv/old.db", AccessMode.WRITE);
        // the old instance's exit was never seen; the pid's new instance (other start time) has no exec yet
        open(reused, 600, "/srv/new.db", AccessMode.WRITE);
        exec(reused, 700, "/usr/bin/new");
        open(reused, 710, "/srv/new2.db", AccessMode.WRITE);
        settle(settled(710));

        assertEquals(List.of("h1:/srv/old.db=MOVE"), files(setOf("/usr/bin/old@h1")));
        assertEquals(List.of("h1:/srv/new2.db=MOVE"), files(setOf("/usr/bin/new@h1")));
    }

    @Test
    void eventsAfterExitAreNotAttributedEvenWithTheSameStartTime() {
        final Proc p = proc("h1", 100, 0);
        exec(p, 1, "/usr/bin/short");
        exit(p, 100);
        open(p, 200, "/srv/after-exit", AccessMode.READ);
        settle(settled(200));

        assertEquals(List.of(), files(setOf("/usr/bin/short@h1")));
    }

    @Test
    void execArrivingAfterTheEventsItExplainsStillAttributesThem() {
        final Proc p = proc("h1", 100, 0);
        final long grace = options.pidTableGrace().toMillis();
        // the exec happened first but is delivered after the opens, within the grace period
        open(p, 20, "/srv/late.db", AccessMode.WRITE);
        open(p, 30, "/etc/late.conf", AccessMode.READ);
        exec(p, 10, "/usr/bin/late");
        settle(settled(30 + grace / 2));

        assertEquals(List.of("h1:/etc/late.conf=COPY", "h1:/srv/late.db=MOVE"), files(setOf("/usr/bin/late@h1")));
    }

    @Test
    void unattributedEventsLeaveNoAp() {
        open(proc("h1", 999, 0), 10, "/srv/orphan", AccessMode.WRITE);
        settle(settled(10));
        assertNull(apIndex().get("/srv/orphan@h1"));
        assertEquals(0, apIndex().approximateNumEntries());
    }
}
