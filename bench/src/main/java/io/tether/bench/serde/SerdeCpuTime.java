package io.tether.bench.serde;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The {@link SerdeBenchmark} operations measured in thread CPU time instead of wall time: on a shared, loaded
 * machine wall-clock throughput mostly measures the neighbours, CPU time per operation does not. Baseline and
 * Tether runs alternate in rounds; the report gives the median CPU ns/op of each and their ratio.
 * Run: {@code java -cp <bench classpath> io.tether.bench.serde.SerdeCpuTime [rounds] [opsPerRound]}.
 */
public final class SerdeCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static volatile Object sink;

    private SerdeCpuTime() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        final int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        final SerdeBenchmark b = new SerdeBenchmark();
        b.setUp();
        compare("serialize", b::serializeBaseline, b::serializeTether, rounds, ops);
        compare("deserialize", () -> {
            try {
                return b.deserializeBaseline();
            } catch (final java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }, b::deserializeTether, rounds, ops);
    }

    private static void compare(final String what, final Supplier<Object> baseline, final Supplier<Object> tether,
                                final int rounds, final int ops) {
        final double[] base = new double[rounds];
        final double[] ours = new double[rounds];
        for (int warm = 0; warm < 5; warm++) {
            cpuNanosPerOp(baseline, ops);
            cpuNanosPerOp(tether, ops);
        }
        for (int r = 0; r < rounds; r++) {
            base[r] = cpuNanosPerOp(baseline, ops);
            ours[r] = cpuNanosPerOp(tether, ops);
        }
        final double b = median(base);
        final double t = median(ours);
        System.out.printf("%-12s baseline %8.1f ns/op (%,.0f ops/s per core)  tether %8.1f ns/op (%,.0f ops/s per core)"
                        + "  tether/baseline CPU time = %.2f%n", what, b, 1e9 / b, t, 1e9 / t, t / b);
    }

    private static double cpuNanosPerOp(final Supplier<Object> op, final int ops) {
        final long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
            sink = op.get();
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / (double) ops;
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
