package io.tether.streams.topology.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.MigrationSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The incremental graph (merges, splits on expiry, id changes, tombstones) against a model that recomputes the
 * components from scratch out of the live evidence, after every flush of a long random history.
 */
class CouplingGraphModelTest {
    private static final long WINDOW = 120;
    private static final int APS = 40;
    private static final int FILES = 20;

    /** Live evidence of the model: key → last seen; the key says what the evidence couples. */
    private final Map<String, Long> live = new HashMap<>();
    /** What a consumer of the output topics would hold: the compacted topics' final state. */
    private final Map<String, MigrationSet> sets = new TreeMap<>();
    private final Map<String, String> index = new TreeMap<>();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void incrementalComponentsMatchRecomputedOnes(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final CouplingGraph graph = new CouplingGraph(WINDOW, GraphStore.NONE);
        long t = 0;
        for (int step = 0; step < 2_000; step++) {
            t += random.nextInt(5);
            final int ap = random.nextInt(APS);
            final int kind = random.nextInt(10);
            if (kind < 5) {
                final int file = random.nextInt(FILES);
                final boolean write = random.nextInt(4) == 0;
                graph.apply(GraphEvent.file("h", program(ap), 1, 1, t, "/f" + file, write, 1));
                see("P|" + ap, t);
                see((write ? "W|" : "R|") + file + "|" + ap, t);
            } else if (kind < 8) {
                final int server = random.nextInt(APS);
                graph.apply(GraphEvent.connection(side(true, ap, t), side(false, server, t)));
                see("P|" + ap, t);
                see("P|" + server, t);
                see("C|" + ap + "|" + server, t);
            } else {
                graph.apply(GraphEvent.process("h", program(ap), 1, 1, t));
                see("P|" + ap, t);
            }
            if (step % 25 == 24) {
                final long cutoff = t - WINDOW;
                graph.expire(cutoff);
                live.values().removeIf(seen -> seen < cutoff);
                apply(graph.flush());
                assertMatchesModel();
            }
        }
    }

    private void see(final String key, final long t) {
        live.merge(key, t, Math::max);
    }

    private void apply(final GraphChanges changes) {
        for (final GraphChanges.SetChange s : changes.sets()) {
            if (s.set() == null) {
                sets.remove(s.componentId());
            } else {
                sets.put(s.componentId(), s.set());
            }
        }
        for (final GraphChanges.IndexChange i : changes.index()) {
            if (i.componentId() == null) {
                index.remove(i.ap());
            } else {
                index.put(i.ap(), i.componentId());
            }
        }
    }

    private void assertMatchesModel() {
        // union-find over the live evidence, from scratch
        final Map<String, String> parent = new HashMap<>();
        final Map<Integer, List<String>> fileUsers = new HashMap<>();
        final Map<Integer, Boolean> written = new HashMap<>();
        for (final String key : live.keySet()) {
            final String[] p = key.split("\\|");
            switch (p[0]) {
                case "P" -> parent.putIfAbsent(ap(p[1]), ap(p[1]));
                case "R", "W" -> {
                    final int file = Integer.parseInt(p[1]);
                    fileUsers.computeIfAbsent(file, f -> new ArrayList<>()).add(ap(p[2]));
                    written.merge(file, p[0].equals("W"), Boolean::logicalOr);
                }
                case "C" -> union(parent, ap(p[1]), ap(p[2]));
                default -> throw new IllegalStateException(key);
            }
        }
        fileUsers.forEach((file, users) -> {
            if (written.get(file)) {
                users.forEach(u -> union(parent, users.get(0), u));
            }
        });
        final Map<String, TreeSet<String>> components = new TreeMap<>();
        for (final String ap : parent.keySet()) {
            components.computeIfAbsent(find(parent, ap), r -> new TreeSet<>()).add(ap);
        }
        final Map<String, List<String>> expectedSets = new TreeMap<>();
        final Map<String, String> expectedIndex = new TreeMap<>();
        for (final TreeSet<String> members : components.values()) {
            expectedSets.put(members.first(), new ArrayList<>(members));
            members.forEach(m -> expectedIndex.put(m, members.first()));
        }
        final Map<String, List<String>> actualSets = new TreeMap<>();
        sets.forEach((id, set) -> actualSets.put(id, set.getApps().stream().map(AppMember::getAp).toList()));
        assertEquals(expectedSets, actualSets);
        assertEquals(expectedIndex, index);
    }

    private static void union(final Map<String, String> parent, final String a, final String b) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        parent.put(find(parent, a), find(parent, b));
    }

    private static String find(final Map<String, String> parent, final String x) {
        String r = x;
        while (!parent.get(r).equals(r)) {
            r = parent.get(r);
        }
        return r;
    }

    private static SocketEvent side(final boolean client, final int ap, final long t) {
        final Endpoint self = new Endpoint("10.0.0." + ap, client ? 40000 : 80, null);
        return new SocketEvent(client, program(ap) + "@h", "h", program(ap), 1, 1, t, Protocol.TCP, self,
            Endpoint.NONE, "h");
    }

    private static String program(final int ap) {
        return "/app-" + (ap < 10 ? "0" + ap : String.valueOf(ap));
    }

    private static String ap(final String index) {
        return program(Integer.parseInt(index)) + "@h";
    }
}
