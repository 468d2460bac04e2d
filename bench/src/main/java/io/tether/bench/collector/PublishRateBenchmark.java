package io.tether.bench.collector;

import io.tether.collector.publish.CollectorMetrics;
import io.tether.collector.publish.KafkaEventPublisher;
import io.tether.collector.publish.ProducerSettings;
import io.tether.collector.publish.PublisherConfig;
import io.tether.collector.publish.RegistrySchemaIds;
import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.Topics;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.serde.AvroSerializer;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Collector publish rate into a real (in-process, single-node KRaft) broker, against a baseline measured in the same
 * run: a bare KafkaProducer with the same settings sending pre-serialized values of the same size and keys. The
 * publisher's figure includes building each event (as a capture source does), coalescing, sequencing, Avro
 * encoding, the write-ahead spool and waiting for every acknowledgement.
 *
 * <p>Rounds alternate which side goes first (so neither always gets the warmer JIT or the quieter moment), and each
 * side's CPU time of the whole process (broker included) is reported per event next to its rate: on a shared box
 * the CPU cost moves less with the neighbours' load than the rate does.
 *
 * <pre>java -cp ... io.tether.bench.collector.PublishRateBenchmark [--events N] [--rounds R] [--threads]
 *     [--coalesce-ms MS] [--queue EVENTS]</pre>
 */
public final class PublishRateBenchmark {
    private static final int PIDS = 1000;
    private static Duration coalesceWindow = PublisherConfig.DEFAULT_COALESCE_WINDOW;
    private static int queueCapacity = PublisherConfig.DEFAULT_QUEUE_CAPACITY;

    private PublishRateBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        int events = 1_000_000;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> Stopwatch.perThread = true;
                case "--coalesce-ms" -> coalesceWindow = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--queue" -> queueCapacity = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [--events N] [--rounds R] [--threads] [--coalesce-ms MS] [--queue EVENTS]");
            }
        }
        final KafkaBrokerExtension kafka = KafkaBrokerExtension.singleNode();
        kafka.start();
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0)) {
            kafka.createTopic(Topics.OPEN, 4, Map.of());
            kafka.createTopic("bench.baseline", 4, Map.of());
            final long now = System.currentTimeMillis() * 1000;
            final double[] baseRates = new double[rounds];
            final double[] pubRates = new double[rounds];
            final int n = events;
            for (int r = 0; r < rounds; r++) {
                final int round = r;
                final Measured base;
                final Measured pub;
                if (r % 2 == 0) {
                    base = baseline(kafka.bootstrapServers(), registry.url(), n, now);
                    pub = publisher(kafka.bootstrapServers(), registry.url(), n, round, now);
                } else {
                    pub = publisher(kafka.bootstrapServers(), registry.url(), n, round, now);
                    base = baseline(kafka.bootstrapServers(), registry.url(), n, now);
                }
                baseRates[r] = base.rate;
                pubRates[r] = pub.rate;
                System.out.printf(Locale.ROOT, "round %d (%s first): baseline %.0f events/s (%.2f CPU-µs/event), "
                                + "publisher %.0f events/s (%.2f CPU-µs/event), ratio %.2f, load average %s%n",
                        r + 1, r % 2 == 0 ? "baseline" : "publisher", base.rate, base.cpuMicrosPerEvent, pub.rate,
                        pub.cpuMicrosPerEvent, pub.rate / base.rate, loadAverage());
            }
            System.out.printf(Locale.ROOT, "%d rounds, %d events each: median baseline %.0f events/s, median publisher"
                            + " %.0f events/s, ratio of medians %.2f; best %.0f vs %.0f%n", rounds, events,
                    median(baseRates), median(pubRates), median(pubRates) / median(baseRates),
                    Arrays.stream(baseRates).max().orElse(0), Arrays.stream(pubRates).max().orElse(0));
        } finally {
            kafka.stop();
        }
    }

    /** One side of a round: its rate and the process CPU time it took per event (broker and registry included). */
    private record Measured(double rate, double cpuMicrosPerEvent) {
    }

    /**
     * Wall-clock and process CPU time of one timed section; with {@code --threads}, also the CPU time of every Java
     * thread during it, grouped by name (what is left of the process's time went to GC, the JIT and the VM).
     */
    private static final class Stopwatch {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        static boolean perThread;
        private final String label;
        private final Map<Long, Long> threadCpu = perThread ? threadCpu() : Map.of();
        private final long gcMillis = gcMillis();
        private final long gcCount = gcCount();
        private final long jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        private final long cpu = OS.getProcessCpuTime();
        private final long start = System.nanoTime();

        Stopwatch(final String label) {
            this.label = label;
        }

        Measured stop(final int events) {
            final long elapsed = System.nanoTime() - start;
            final long processCpu = OS.getProcessCpuTime() - cpu;
            if (perThread) {
                printThreads(processCpu, events);
            }
            return new Measured(events / (elapsed / 1e9), processCpu / 1e3 / events);
        }

        private void printThreads(final long processCpu, final int events) {
            final Map<Long, Long> after = threadCpu();
            final Map<String, Long> byName = new java.util.TreeMap<>();
            long threadsTotal = 0;
            for (final Map.Entry<Long, Long> e : after.entrySet()) {
                final long used = e.getValue() - threadCpu.getOrDefault(e.getKey(), 0L);
                final java.lang.management.ThreadInfo info = THREADS.getThreadInfo(e.getKey());
                if (info == null || used <= 0) {
                    continue;
                }
                byName.merge(info.getThreadName().replaceAll("\\d+", "N"), used, Long::sum);
                threadsTotal += used;
            }
            final StringBuilder line = new StringBuilder("  CPU-µs/event by thread (" + label + "):");
            byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() * 100 >= processCpu)
                    .forEach(e -> line.append(String.format(Locale.ROOT, " [%s] %.2f", e.getKey(),
                            e.getValue() / 1e3 / events)));
            line.append(String.format(Locale.ROOT, " [GC/JIT/VM, rest] %.2f", (processCpu - threadsTotal) / 1e3 / events));
            line.append(String.format(Locale.ROOT, "; GC pauses %d ms in %d collections, JIT %d ms", gcMillis() - gcMillis,
                    gcCount() - gcCount, ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMillis));
            System.out.println(line);
        }

        private static long gcMillis() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> b.getCollectionTime()).sum();
        }

        private static long gcCount() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> b.getCollectionCount()).sum();
        }

        private static Map<Long, Long> threadCpu() {
            final Map<Long, Long> cpu = new HashMap<>();
            for (final long id : THREADS.getAllThreadIds()) {
                final long t = THREADS.getThreadCpuTime(id);
                if (t >= 0) {
                    cpu.put(id, t);
                }
            }
            return cpu;
        }
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (final java.io.IOException e) {
            return "unknown";
        }
    }

    /**
     * Event {@code i} as a capture source builds it: a fresh path string (as decoded from a probe record), a distinct
     * path per event, so no open repeats within the coalescing window and both sides send every event.
     */
    private static OpenEvent event(final int i, final long now) {
        final int pid = 1000 + i % PIDS;
        return OpenEvent.newBuilder()
                .setHeader(EventHeader.newBuilder().setHostId("bench-host").setPid(pid).setStartTime(1_700_000_000_000_000L + pid)
                        .setPpid(1).setUid(1000).setTimeMicros(now).setSource(CaptureSource.PROBE).setSequence(0)
                        .setCollectorRun("").setNetns(null).build())
                .setPath("/srv/data/app-" + (i % 97) + "/segment-" + i + ".log").setFlags(0101).setMode(AccessMode.WRITE).setCount(1).setSucceeded(true)
                .build();
    }

    /**
     * The wire-format values the publisher sends for events 1..N (same paths, pids, times and sequence numbers), so
     * the baseline's batches compress as well or as badly as the publisher's: with a few reused sample values, lz4
     * finds the repeats and the bare producer and broker do less work per event than for real events.
     */
    private static byte[][] wireValues(final String registryUrl, final int events, final long now) {
        try (AvroSerializer<OpenEvent> serializer = new AvroSerializer<>()) {
            // generous registry timeout: the benchmark box is shared and the registry runs in this JVM
            serializer.configure(Map.of("schema.registry.url", registryUrl, "http.read.timeout.ms", 60_000), false);
            final byte[][] values = new byte[events][];
            for (int i = 1; i <= events; i++) {
                final OpenEvent e = event(i, now + i);
                e.getHeader().setSequence(i);
                e.getHeader().setCollectorRun("bench-run-0");
                values[i - 1] = serializer.serialize(Topics.OPEN, e);
            }
            return values;
        }
    }

    private static Map<String, Object> producerSettings(final String bootstrap) {
        final Map<String, Object> props = ProducerSettings.delivery();
        props.put("bootstrap.servers", bootstrap);
        return props;
    }

    /**
     * The bare producer. Its values are serialized here, before the clock starts, and dropped when it returns: kept
     * for the whole run they would be hundreds of MB of old data that every young GC of the publisher's phase pays for.
     */
    private static Measured baseline(final String bootstrap, final String registryUrl, final int events,
                                     final long now) {
        final byte[][] values = wireValues(registryUrl, events, now);
        final byte[][] keys = new byte[PIDS][];
        for (int i = 0; i < PIDS; i++) {
            keys[i] = ("bench-host|" + (1000 + i)).getBytes(StandardCharsets.UTF_8);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("bench.baseline", null, now / 1000, keys[0], values[0])); // metadata
            producer.flush();
            final Stopwatch watch = new Stopwatch("baseline");
            for (int i = 1; i <= events; i++) {
                producer.send(new ProducerRecord<>("bench.baseline", null, (now + i) / 1000, keys[i % PIDS],
                        values[i - 1]));
            }
            producer.flush();
            return watch.stop(events);
        }
    }

    private static Measured publisher(final String bootstrap, final String registryUrl, final int events,
                                      final int round, final long now) throws Exception {
        final Path spool = Files.createTempDirectory("tether-bench-spool");
        final PublisherConfig defaults = PublisherConfig.defaults("bench-host", "bench-run-" + round, bootstrap, spool)
                .withProducerConfigs(producerSettings(bootstrap)).withCoalesceWindow(coalesceWindow);
        final PublisherConfig config = new PublisherConfig(defaults.hostId(), defaults.collectorRun(),
                defaults.producerConfigs(), defaults.topics(), defaults.spoolDir(), defaults.spoolMaxBytes(),
                defaults.coalesceWindow(), queueCapacity, defaults.logInterval());
        try (RegistrySchemaIds ids = RegistrySchemaIds.forUrl(registryUrl);
             KafkaEventPublisher publisher = KafkaEventPublisher.start(config, ids, new CollectorMetrics())) {
            publisher.accept(event(0, now)); // schema id and metadata
            if (!publisher.awaitDelivered(Duration.ofSeconds(60))) {
                throw new IllegalStateException("warm-up event not delivered");
            }
            final Stopwatch watch = new Stopwatch("publisher");
            for (int i = 1; i <= events; i++) {
                publisher.accept(event(i, now + i));
            }
            if (!publisher.awaitDelivered(Duration.ofMinutes(5))) {
                throw new IllegalStateException("not delivered in 5 minutes: " + publisher.metrics().summary());
            }
            final Measured measured = watch.stop(events);
            System.out.println("  publisher counters: " + publisher.metrics().summary());
            return measured;
        } finally {
            try (var files = Files.walk(spool)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
