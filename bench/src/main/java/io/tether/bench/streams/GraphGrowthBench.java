package io.tether.bench.streams;

import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.streams.topology.internals.CouplingGraph;
import io.tether.streams.topology.internals.Endpoint;
import io.tether.streams.topology.internals.GraphEvent;
import io.tether.streams.topology.internals.GraphStore;
import io.tether.streams.topology.internals.SocketEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Growth of the coupling graph (DESIGN.md §6: per-event cost flat within 1.5× from 10³ to 10⁶ graph nodes; memory
 * per AP and per file). Drives {@link CouplingGraph} directly, the state the single {@code coupling-graph} task
 * holds, with the same evidence records the topology feeds it.
 *
 * <p>Graph shape: groups of 4 APs on 2 hosts; each AP reads its own file, one AP of the group writes another's
 * file (MOVE, couples them), and two connections chain the rest, so each group is one component of 4 APs and
 * 4 files. Half the graph nodes are APs, half files. Steady-state load: refreshes of existing evidence (opens,
 * connections, processes) and 10% new files, with a flush (the emit interval) every 1,000 events and an expiry
 * round every 1,000 events.
 *
 * <p>Run: {@code java -Xmx6g -cp <bench classpath> io.tether.bench.streams.GraphGrowthBench [events [nodes...]]}
 */
public final class GraphGrowthBench {
    private static final long WINDOW_MICROS = 24L * 3600 * 1_000_000;
    private static final int SOURCE = 1 << CaptureSource.PROBE.ordinal();
    /**
     * CPU time of the measuring thread, not wall-clock time: the benchmark machine is shared, and the graph task is
     * single-threaded, so its own CPU time is what one event costs it (GC threads are not included).
     */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GraphGrowthBench() {
    }

    public static void main(final String[] args) {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        // sizes may repeat (e.g. 1000 1000000 1000): a size measured again after a larger one shows what is warm-up
        final int[] sizes = args.length > 1
            ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1_000, 100_000, 1_000_000};
        System.out.printf(Locale.ROOT, "%-12s %-10s %-10s %-26s %-8s %-26s %-8s%n", "graph nodes", "APs",
            "files", "cpu ns/event (emit each)", "ratio", "cpu ns/event (coalesced)", "ratio");
        double baseEach = 0;
        double baseCoalesced = 0;
        for (final int nodes : sizes) {
            final double[] ns = perEventNanos(nodes, events);
            if (baseEach == 0) {
                baseEach = ns[0];
                baseCoalesced = ns[1];
            }
            System.out.printf(Locale.ROOT, "%-12d %-10d %-10d %-26.0f %-8.2f %-26.0f %-8.2f%n", nodes, nodes / 2,
                nodes / 2, ns[0], ns[0] / baseEach, ns[1], ns[1] / baseCoalesced);
        }
        memory(200_000);
    }

    /**
     * Builds a graph of {@code nodes} nodes, then times {@code events} steady-state events (after a warm-up): first
     * emitting the changed set after every event (emit interval 0: the per-event cost with no coalescing), then
     * flushing every 1,000 events (coalesced, which helps most when few components take all the events).
     */
    private static double[] perEventNanos(final int nodes, final int events) {
        final CouplingGraph graph = new CouplingGraph(WINDOW_MICROS, GraphStore.NONE);
        final int aps = nodes / 2;
        long t = 1_000_000L;
        for (int i = 0; i < aps; i++) {
            t += 1;
            graph.apply(GraphEvent.process(host(i), program(i), 1000 + (i % 30000), SOURCE, t));
            graph.apply(GraphEvent.file(host(i), program(i), 1000 + (i % 30000), SOURCE, t, file(i), false, 1));
            final int member = i % 4;
            if (member == 1) {
                // AP 4g writes AP 4g+1's file: a MOVE file couples them
                graph.apply(GraphEvent.file(host(i), program(i - 1), 1000, SOURCE, t, file(i), true, 1));
            } else if (member >= 2) {
                graph.apply(connection(i - 1, i, t));
            }
            if (i % 10_000 == 0) {
                graph.flush();
            }
        }
        graph.flush();
        if (graph.apCount() != aps || graph.fileCount() != aps) {
            throw new IllegalStateException("graph has " + graph.apCount() + " APs and " + graph.fileCount()
                + " files, expected " + aps + " each");
        }
        final SplittableRandom random = new SplittableRandom(nodes);
        final long[] clock = {t};
        run(graph, random, aps, events / 4, clock, 1); // warm-up
        final long start = THREADS.getCurrentThreadCpuTime();
        run(graph, random, aps, events, clock, 1);
        final long each = THREADS.getCurrentThreadCpuTime() - start;
        final long start2 = THREADS.getCurrentThreadCpuTime();
        run(graph, random, aps, events, clock, 1000);
        final long coalesced = THREADS.getCurrentThreadCpuTime() - start2;
        return new double[] {(double) each / events, (double) coalesced / events};
    }

    private static void run(final CouplingGraph graph, final SplittableRandom random, final int aps,
                            final int events, final long[] clock, final int flushEvery) {
        int newFiles = 0;
        for (int n = 0; n < events; n++) {
            final long t = ++clock[0];
            final int i = random.nextInt(aps);
            final int kind = random.nextInt(10);
            if (kind < 6) {
                graph.apply(GraphEvent.file(host(i), program(i), 1000, SOURCE, t, file(i), false, 1));
            } else if (kind < 8) {
                final int client = i - (i % 4) + 1 + random.nextInt(2);
                graph.apply(connection(client, client + 1, t));
            } else if (kind < 9) {
                graph.apply(GraphEvent.process(host(i), program(i), 1000 + (i % 30000), SOURCE, t));
            } else {
                graph.apply(GraphEvent.file(host(i), program(i), 1000, SOURCE, t, "/tmp/new-" + (newFiles++ % 4)
                    + "-" + i, false, 1));
            }
            if (n % 1000 == 999) {
                graph.expire(t - WINDOW_MICROS);
            }
            if (n % flushEvery == flushEvery - 1) {
                graph.flush();
            }
        }
    }

    /** Heap bytes per AP (process evidence only) and per file (one reader), from the heap before and after. */
    private static void memory(final int count) {
        final long before = usedHeap();
        final CouplingGraph graph = new CouplingGraph(WINDOW_MICROS, GraphStore.NONE);
        for (int i = 0; i < count; i++) {
            graph.apply(GraphEvent.process(host(i), program(i), 1000 + (i % 30000), SOURCE, i));
        }
        graph.flush();
        final long withAps = usedHeap();
        for (int i = 0; i < count; i++) {
            graph.apply(GraphEvent.file(host(i), program(i), 1000 + (i % 30000), SOURCE, count + i, file(i), false,
                1));
        }
        graph.flush();
        final long withFiles = usedHeap();
        System.out.printf(Locale.ROOT, "memory: %d bytes per AP (program, pid, component, index entry), "
                + "%d bytes per file (file node + one use)%n",
            (withAps - before) / count, (withFiles - withAps) / count);
        if (graph.apCount() != count) {
            throw new IllegalStateException("lost APs");
        }
    }

    private static long usedHeap() {
        final Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static GraphEvent connection(final int client, final int server, final long t) {
        final SocketEvent c = new SocketEvent(true, program(client) + "@" + host(client), host(client),
            program(client), 1000, SOURCE, t, Protocol.TCP, new Endpoint(ip(client), 40000 + (int) (t % 20000),
            null), new Endpoint(ip(server), 8080, null), host(client));
        final SocketEvent s = new SocketEvent(false, program(server) + "@" + host(server), host(server),
            program(server), 1000, SOURCE, t, Protocol.TCP, new Endpoint(ip(server), 8080, null),
            c.local(), host(server));
        return GraphEvent.connection(c, s);
    }

    private static String host(final int ap) {
        return "host-" + (ap / 2);
    }

    private static String ip(final int ap) {
        final int h = ap / 2;
        return "10." + ((h >> 16) & 255) + "." + ((h >> 8) & 255) + "." + (h & 255);
    }

    private static String program(final int ap) {
        return "/opt/app-" + ap;
    }

    private static String file(final int ap) {
        return "/srv/data/" + ap;
    }
}
