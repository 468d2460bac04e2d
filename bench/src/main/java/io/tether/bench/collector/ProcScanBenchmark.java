package io.tether.bench.collector;

import io.tether.collector.publish.EventSink;
import io.tether.collector.scan.NetnsScope;
import io.tether.collector.scan.ProcScanner;
import io.tether.collector.scan.ScanResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time of one /proc scan per 1,000 processes: starts {@code --processes N} idle processes (each holding a file
 * open), then times the scanner's first pass (everything is new: exec + open events) and its steady-state pass
 * (nothing changed), against a baseline measured in the same run: listing /proc and reading every
 * /proc/PID/stat, the least any scanner must do to notice processes.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/cp.txt) io.tether.bench.collector.ProcScanBenchmark --processes 1000</pre>
 */
public final class ProcScanBenchmark {
    private ProcScanBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        final int processes = args.length >= 2 && args[0].equals("--processes") ? Integer.parseInt(args[1]) : 1000;
        final int rounds = 15;
        final List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                // a shell that holds /etc/hostname open read-only and sleeps: an idle process with one regular file
                started.add(new ProcessBuilder("sh", "-c", "exec 3</etc/hostname; exec sleep 600").start());
            }
            Thread.sleep(2_000);
            final LongAdder events = new LongAdder();
            final EventSink counting = e -> events.increment();

            final long[] first = new long[rounds];
            final long[] steady = new long[rounds];
            final long[] baseline = new long[rounds];
            int covered = 0;
            for (int r = 0; r < rounds; r++) {
                final ProcScanner scanner = ProcScanner.of("bench", NetnsScope.own(Path.of("/proc")));
                final ScanResult a = scanner.scan(counting);
                first[r] = a.nanos();
                covered = a.processes();
                steady[r] = scanner.scan(counting).nanos();
                baseline[r] = baselinePass();
            }
            final double per1000First = median(first) / 1e6 * 1000.0 / covered;
            final double per1000Steady = median(steady) / 1e6 * 1000.0 / covered;
            final double per1000Base = median(baseline) / 1e6 * 1000.0 / covered;
            System.out.printf(Locale.ROOT, "processes covered: %d (started %d), events from first passes: %d%n",
                    covered, processes, events.sum());
            System.out.printf(Locale.ROOT, "baseline (list /proc + read every stat): %.1f ms per 1000 processes%n", per1000Base);
            System.out.printf(Locale.ROOT, "scanner first pass (all new):           %.1f ms per 1000 processes (%.1fx baseline)%n",
                    per1000First, per1000First / per1000Base);
            System.out.printf(Locale.ROOT, "scanner steady pass (no change):        %.1f ms per 1000 processes (%.1fx baseline)%n",
                    per1000Steady, per1000Steady / per1000Base);
        } finally {
            for (final Process p : started) {
                p.destroyForcibly();
            }
            for (final Process p : started) {
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static long baselinePass() throws IOException {
        final long start = System.nanoTime();
        long bytes = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (final Path dir : dirs) {
                try {
                    bytes += Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII).length();
                } catch (final IOException gone) {
                    // exited meanwhile
                }
            }
        }
        if (bytes < 0) {
            throw new IllegalStateException();
        }
        return System.nanoTime() - start;
    }

    private static double median(final long[] values) {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
