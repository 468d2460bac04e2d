package io.tether.streams.export;

import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Direction;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.export.MigrationPlan.Checkpoint;
import io.tether.streams.export.MigrationPlan.CriuOption;
import io.tether.streams.export.MigrationPlan.HostPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tether.streams.export.SetBuilder.ip;
import static io.tether.streams.export.SetBuilder.unix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationPlannerTest {

    private static final String AP1 = "/opt/ap1/bin/ap1@computer1";
    private static final String AP2 = "/opt/ap2/bin/ap2@computer2";

    @Test
    void figureOneListsBothHostsTheirPidsAndTheirFilesToCopyAndToMove() {
        final MigrationPlan plan = MigrationPlanner.plan(SetBuilder.figure1().view(AP1));

        assertEquals(List.of("computer1", "computer2"), plan.hosts().stream().map(HostPlan::host).toList());
        final HostPlan c1 = plan.hosts().get(0);
        final HostPlan c2 = plan.hosts().get(1);
        assertEquals(List.of(AP1), c1.checkpoint().stream().map(Checkpoint::ap).toList());
        assertEquals(List.of(4101, 4102), c1.checkpoint().get(0).pids());
        assertEquals(List.of("/srv/ap1/A"), c1.copy());
        assertEquals(List.of("/srv/ap1/B"), c1.move());
        assertEquals(List.of(AP2), c2.checkpoint().stream().map(Checkpoint::ap).toList());
        assertEquals(List.of(5200), c2.checkpoint().get(0).pids());
        assertEquals(List.of("/srv/ap2/C"), c2.copy());
        assertEquals(List.of("/srv/ap2/D"), c2.move());

        // AP1 talks to AP2 over TCP and each writes its own file: both need the same two options.
        for (final HostPlan host : plan.hosts()) {
            final Checkpoint cp = host.checkpoint().get(0);
            assertEquals(List.of("--tcp-established", "--file-locks"), cp.criu().stream().map(CriuOption::option).toList());
            assertEquals(cp.pids().size(), cp.commands().size(), "one dump command per pid");
            cp.commands().forEach(c -> assertTrue(c.contains("--tcp-established --file-locks"), c));
        }
        assertTrue(c1.checkpoint().get(0).commands().get(0).startsWith("criu dump --tree 4101 "));
        assertTrue(c1.checkpoint().get(0).criu().get(0).reason().contains(AP2), "reason names the peer");
        assertEquals(List.of(), plan.notSeen(), "both were probed, nothing external");
        assertEquals(List.of(), plan.keepReachable());
    }

    @Test
    void unixSocketsExternalEndpointsAndScannedOnlyProgramsAreCalledOut() {
        final String ap3 = "/usr/sbin/agent@computer2";
        final MigrationSetView set = SetBuilder.figure1()
            .app("/usr/sbin/agent", "computer2", List.of(77), CaptureSource.PROCSCAN)
            .connection(ap3, unix("/run/ap2.sock"), AP2, unix("/run/ap2.sock"), Protocol.UNIX_STREAM)
            .external(AP1, Direction.OUTBOUND, ip("198.18.50.1", 443), ip("198.18.0.1", 42000), Protocol.TCP)
            .external(ap3, Direction.INBOUND, ip("198.18.60.1", 51000), ip("198.18.0.2", 9100), Protocol.TCP)
            .external(ap3, Direction.OUTBOUND, ip("198.18.70.1", 53), null, Protocol.UDP)
            .view(AP1);
        final MigrationPlan plan = MigrationPlanner.plan(set);

        final Checkpoint agent = plan.hosts().get(1).checkpoint().stream().filter(c -> c.ap().equals(ap3)).findFirst().orElseThrow();
        assertEquals(List.of("--tcp-established", "--ext-unix-sk"), agent.criu().stream().map(CriuOption::option).toList());
        final Checkpoint ap2 = plan.hosts().get(1).checkpoint().stream().filter(c -> c.ap().equals(AP2)).findFirst().orElseThrow();
        assertEquals(List.of("--tcp-established", "--ext-unix-sk", "--file-locks"), ap2.criu().stream().map(CriuOption::option).toList());

        assertEquals(3, plan.keepReachable().size());
        assertTrue(plan.keepReachable().stream().anyMatch(r -> r.address().equals("198.18.60.1:51000")
            && r.direction().equals("INBOUND") && r.local().equals("198.18.0.2:9100") && r.host().equals("computer2")));
        assertEquals(List.of(ap3, "198.18.50.1:443", "198.18.60.1:51000", "198.18.70.1:53"),
            plan.notSeen().stream().map(MigrationPlan.Blind::subject).toList());
        assertTrue(plan.notSeen().get(0).reason().contains("not probed"));

        final String text = PlanText.render(plan);
        assertTrue(text.contains("host computer1") && text.contains("host computer2"));
        assertTrue(text.contains("$ criu dump --tree 77 "));
        assertTrue(text.contains("not seen by Tether"));
    }

    @Test
    void filesFromListsAreOnePathALineUnlessAPathHoldsANewline() {
        assertEquals("/a\n/b c\n", PlanText.filesFrom(List.of("/a", "/b c")));
        assertEquals("/a\0/b\nc\0", PlanText.filesFrom(List.of("/a", "/b\nc")));
    }
}
