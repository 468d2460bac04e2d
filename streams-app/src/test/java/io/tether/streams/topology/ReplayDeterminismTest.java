package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.AccessMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/**
 * The same history gives the same sets, byte for byte: re-run in a fresh application, and re-run with the arrival
 * order shuffled within the grace periods (collectors on different hosts deliver at different speeds).
 */
class ReplayDeterminismTest extends TopologyTestBase {
    private static final int HOSTS = 3;
    private static final int APS_PER_HOST = 4;

    /** One input event: when it happened, and how to deliver it. */
    private record Timed(long atMillis, Runnable deliver) {
    }

    @Test
    void replayInAFreshApplicationAndShuffledWithinGraceGiveByteIdenticalSets() {
        final List<Timed> history = history(new Random(42));
        final long end = history.stream().mapToLong(Timed::atMillis).max().orElseThrow();

        final Map<String, String> first = run(history, end);
        restartFresh();
        final Map<String, String> replay = run(history, end);
        assertEquals(first, replay);

        // each event is delivered up to half a grace period late (grace: the shortest of the joins' graces)
        final long maxDelay = Math.min(options.pidTableGrace().toMillis(), options.joinGrace().toMillis()) / 2;
        final Random random = new Random(7);
        final List<long[]> arrival = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            arrival.add(new long[] {history.get(i).atMillis() + (long) (random.nextDouble() * maxDelay), i});
        }
        arrival.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        final List<Timed> shuffled = new ArrayList<>();
        arrival.forEach(a -> shuffled.add(history.get((int) a[1])));
        assertTrue(!shuffled.equals(history), "the arrival order really differs");
        restartFresh();
        final Map<String, String> reordered = run(shuffled, end);
        assertEquals(first, reordered);

        // not trivially equal: several components, coupled and not, with files of both kinds
        assertTrue(first.size() >= 3, () -> "components: " + first.keySet());
    }

    /** Delivers the history, settles, and returns the final set of every component as hex of its bytes. */
    private Map<String, String> run(final List<Timed> events, final long end) {
        final TestOutputTopic<String, byte[]> out = driver.createOutputTopic(options.migrationSetsTopic(),
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        events.forEach(e -> e.deliver().run());
        settle(settled(end));
        final Map<String, String> last = new TreeMap<>();
        out.readKeyValuesToMap().forEach((k, v) -> {
            if (v != null) {
                last.put(k, HexFormat.of().formatHex(v));
            }
        });
        return last;
    }

    /**
     * APs on three hosts that read and write files, talk to each other and to the outside, and fork short-lived
     * workers, over a minute.
     */
    private List<Timed> history(final Random random) {
        final List<Timed> events = new ArrayList<>();
        final List<Proc> procs = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            for (int a = 0; a < APS_PER_HOST; a++) {
                final Proc p = proc("host-" + h, 100 + a, 0);
                final String program = "/opt/app-" + h + "-" + a;
                procs.add(p);
                events.add(new Timed(1 + procs.size(), () -> exec(p, 1 + procs.indexOf(p), program)));
            }
        }
        long t = 1_000;
        for (int i = 0; i < 80; i++) {
            t += 50 + random.nextInt(400);
            final long at = t;
            final Proc p = procs.get(random.nextInt(procs.size()));
            // app a on one host only talks to and shares files with app a on other hosts: four groups
            final int group = p.pid() - 100;
            final int kind = random.nextInt(12);
            if (kind >= 10) {
                // a short-lived worker (forked, opens a file, exits within milliseconds): shuffled, its exit may
                // arrive before its fork, and it must still leave its AP's live pids
                final Proc worker = proc(p.host(), 1_000 + i, at);
                final String path = "/srv/group-" + group + "/worker.conf";
                events.add(new Timed(at, () -> fork(worker, p, at)));
                events.add(new Timed(at + 1, () -> open(worker, at + 1, path, AccessMode.READ)));
                events.add(new Timed(at + 2, () -> exit(worker, at + 2)));
            } else if (kind < 6) {
                final String path = "/srv/group-" + group + "/file-" + random.nextInt(3);
                final AccessMode mode = random.nextInt(6) == 0 ? AccessMode.WRITE : AccessMode.READ;
                events.add(new Timed(at, () -> open(p, at, path, mode)));
            } else if (kind < 9) {
                final Proc server = procs.get(random.nextInt(HOSTS) * APS_PER_HOST + group);
                if (server.host().equals(p.host()) || random.nextBoolean()) {
                    continue;
                }
                final String clientIp = ip(p);
                final String serverIp = ip(server);
                final int port = 30_000 + i;
                final int service = 8000 + server.pid();
                final long acceptAt = at + random.nextInt(2000) - 1000;
                events.add(new Timed(at, () -> connect(p, at, clientIp, port, serverIp, service)));
                events.add(new Timed(acceptAt, () -> accept(server, acceptAt, serverIp, service, clientIp, port)));
            } else {
                final int port = 31_000 + i;
                events.add(new Timed(at, () -> connect(p, at, ip(p), port, "198.51.100.80", 443)));
            }
        }
        events.sort(Comparator.comparingLong(Timed::atMillis));
        return events;
    }

    private static String ip(final Proc p) {
        return "198.18.0." + (1 + Integer.parseInt(p.host().substring("host-".length())));
    }
}
