package io.tether.streams.query;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.CouplingKind;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes {@code why} for a migration set when it is asked for (DESIGN.md §3): a breadth-first search over the
 * component's couplings from the queried AP gives every member AP a shortest chain; a file is explained by the chain
 * to its nearest user followed by that user opening it.
 *
 * <p>The search is O(apps + couplings). The chains themselves add up to the sum of the members' distances, which is
 * the size of the answer, so a long, thin component costs what it takes to print it and no more.
 *
 * <p>Results are deterministic: neighbours are visited in (ap, kind, detail) order, so equal-length alternatives
 * always resolve the same way and a replayed set explains itself identically.
 */
public final class WhyPaths {

    public static final String OPENS = "OPENS";

    private static final Comparator<Edge> EDGE_ORDER = Comparator.comparing(Edge::neighbour)
        .thenComparing(edge -> edge.coupling().getKind())
        .thenComparing(edge -> edge.coupling().getDetail())
        .thenComparing(Edge::forward);

    private WhyPaths() {
    }

    /**
     * @param ap  the queried AP, {@code program@hostId}
     * @param set the component's migration set
     * @return one entry per member AP (in the set's order, the queried AP first) and one per file (in the set's order)
     */
    public static List<WhyPath> compute(final String ap, final MigrationSet set) {
        final Map<String, Edge> reachedBy = search(ap, set.getCouplings());
        final List<WhyPath> why = new ArrayList<>(set.getApps().size() + set.getFiles().size());
        why.add(new WhyPath(ap, WhyPath.AP, true, List.of()));
        for (final AppMember app : set.getApps()) {
            if (app.getAp().equals(ap)) {
                continue;
            }
            final boolean reachable = reachedBy.containsKey(app.getAp());
            why.add(new WhyPath(app.getAp(), WhyPath.AP, reachable, reachable ? chainTo(app.getAp(), reachedBy) : List.of()));
        }
        final Map<String, Integer> distance = distances(ap, reachedBy);
        for (final FileMember file : set.getFiles()) {
            why.add(explainFile(file, distance, reachedBy));
        }
        return why;
    }

    private static WhyPath explainFile(final FileMember file, final Map<String, Integer> distance, final Map<String, Edge> reachedBy) {
        final String member = Addresses.file(file.getHost(), file.getPath());
        FileUse nearest = null;
        for (final FileUse use : file.getOpenedBy()) {
            final Integer d = distance.get(use.getAp());
            if (d == null) {
                continue;
            }
            if (nearest == null || d < distance.get(nearest.getAp())
                || d.equals(distance.get(nearest.getAp())) && use.getAp().compareTo(nearest.getAp()) < 0) {
                nearest = use;
            }
        }
        if (nearest == null) {
            return new WhyPath(member, WhyPath.FILE, false, List.of());
        }
        final List<WhyStep> chain = new ArrayList<>(chainTo(nearest.getAp(), reachedBy));
        final boolean writes = nearest.getMode() == AccessMode.WRITE;
        chain.add(new WhyStep(nearest.getAp(), member, OPENS, nearest.getMode().name(),
            nearest.getAp() + (writes ? " writes " : " reads ") + member));
        return new WhyPath(member, WhyPath.FILE, true, List.copyOf(chain));
    }

    /** BFS from {@code start}; the map holds, for every reached AP other than the start, the edge it was reached by. */
    private static Map<String, Edge> search(final String start, final List<Coupling> couplings) {
        final Map<String, List<Edge>> adjacency = new HashMap<>();
        for (final Coupling coupling : couplings) {
            adjacency.computeIfAbsent(coupling.getFrom(), k -> new ArrayList<>())
                .add(new Edge(coupling.getFrom(), coupling.getTo(), coupling, true));
            adjacency.computeIfAbsent(coupling.getTo(), k -> new ArrayList<>())
                .add(new Edge(coupling.getTo(), coupling.getFrom(), coupling, false));
        }
        adjacency.values().forEach(edges -> edges.sort(EDGE_ORDER));
        final Map<String, Edge> reachedBy = new HashMap<>();
        final ArrayDeque<String> queue = new ArrayDeque<>();
        queue.add(start);
        reachedBy.put(start, null);
        while (!queue.isEmpty()) {
            final String node = queue.poll();
            for (final Edge edge : adjacency.getOrDefault(node, List.of())) {
                if (!reachedBy.containsKey(edge.neighbour())) {
                    reachedBy.put(edge.neighbour(), edge);
                    queue.add(edge.neighbour());
                }
            }
        }
        return reachedBy;
    }

    private static Map<String, Integer> distances(final String start, final Map<String, Edge> reachedBy) {
        final Map<String, Integer> distance = new HashMap<>();
        distance.put(start, 0);
        for (final String node : reachedBy.keySet()) {
            depth(node, reachedBy, distance);
        }
        return distance;
    }

    private static int depth(final String node, final Map<String, Edge> reachedBy, final Map<String, Integer> distance) {
        // iterative walk up to the first node whose depth is known, then fill in on the way back: O(reached) overall
        final List<String> pending = new ArrayList<>();
        String current = node;
        while (!distance.containsKey(current)) {
            pending.add(current);
            current = reachedBy.get(current).node();
        }
        int d = distance.get(current);
        for (int i = pending.size() - 1; i >= 0; i--) {
            d++;
            distance.put(pending.get(i), d);
        }
        return distance.get(node);
    }

    private static List<WhyStep> chainTo(final String target, final Map<String, Edge> reachedBy) {
        final List<WhyStep> chain = new ArrayList<>();
        Edge edge = reachedBy.get(target);
        while (edge != null) {
            chain.add(step(edge));
            edge = reachedBy.get(edge.node());
        }
        Collections.reverse(chain);
        return List.copyOf(chain);
    }

    private static WhyStep step(final Edge edge) {
        final Coupling coupling = edge.coupling();
        final String text;
        if (coupling.getKind() == CouplingKind.CONNECTS) {
            text = edge.forward()
                ? edge.node() + " connects to " + edge.neighbour() + " (" + coupling.getDetail() + ")"
                : edge.node() + " accepts connections from " + edge.neighbour() + " (" + coupling.getDetail() + ")";
        } else {
            text = edge.node() + " shares written file " + coupling.getDetail() + " with " + edge.neighbour();
        }
        return new WhyStep(edge.node(), edge.neighbour(), coupling.getKind().name(), coupling.getDetail(), text);
    }

    /** A coupling seen from {@code node}; {@code forward} when {@code node} is the coupling's {@code from}. */
    private record Edge(String node, String neighbour, Coupling coupling, boolean forward) {
    }
}
