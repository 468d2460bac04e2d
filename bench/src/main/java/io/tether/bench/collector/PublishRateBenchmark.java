package io.tether.bench.collector;

import io.tether.collector.publish.CollectorMetrics;
import io.tether.collector.publish.KafkaEventPublisher;
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
 * <pre>java -cp ... io.tether.bench.collector.PublishRateBenchmark [--events N] [--rounds R]</pre>
 */
public final class PublishRateBenchmark {
    private static final int PIDS = 1000;
    /** As many distinct paths as events: no open repeats within the coalescing window, so both sides send every event. */
    private static final int PATHS = 1_000_000;

    private PublishRateBenchmark() {
    }

    public static void main(final String[] args) throws Exception {
        int events = 1_000_000;
        int rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--events")) {
                events = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            }
        }
        final KafkaBrokerExtension kafka = KafkaBrokerExtension.singleNode();
        kafka.start();
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0)) {
            kafka.createTopic(Topics.OPEN, 4, Map.of());
            kafka.createTopic("bench.baseline", 4, Map.of());
            final String[] paths = new String[PATHS];
            for (int i = 0; i < PATHS; i++) {
                paths[i] = "/srv/data/app-" + (i % 97) + "/segment-" + i + ".log";
            }
            final byte[][] values = sampleValues(registry.url(), paths);
            final double[] baseRates = new double[rounds];
            final double[] pubRates = new double[rounds];
            final int n = events;
            for (int r = 0; r < rounds; r++) {
                final int round = r;
                final Measured base;
                final Measured pub;
                if (r % 2 == 0) {
                    base = baseline(kafka.bootstrapServers(), values, n);
                    pub = publisher(kafka.bootstrapServers(), registry.url(), paths, n, round);
                } else {
                    pub = publisher(kafka.bootstrapServers(), registry.url(), paths, n, round);
                    base = baseline(kafka.bootstrapServers(), values, n);
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

    /** Wall-clock and process CPU time of one timed section. */
    private static final class Stopwatch {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final long cpu = OS.getProcessCpuTime();
        private final long start = System.nanoTime();

        Measured stop(final int events) {
            final long elapsed = System.nanoTime() - start;
            return new Measured(events / (elapsed / 1e9), (OS.getProcessCpuTime() - cpu) / 1e3 / events);
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

    private static OpenEvent event(final int i, final String[] paths, final long now) {
        final int pid = 1000 + i % PIDS;
        return OpenEvent.newBuilder()
                .setHeader(EventHeader.newBuilder().setHostId("bench-host").setPid(pid).setStartTime(1_700_000_000_000_000L + pid)
                        .setPpid(1).setUid(1000).setTimeMicros(now).setSource(CaptureSource.PROBE).setSequence(0)
                        .setCollectorRun("").setNetns(null).build())
                .setPath(paths[i % PATHS]).setFlags(0101).setMode(AccessMode.WRITE).setCount(1).setSucceeded(true)
                .build();
    }

    /** Wire-format values of real events (what the publisher sends), reused by the baseline. */
    private static byte[][] sampleValues(final String registryUrl, final String[] paths) {
        try (AvroSerializer<OpenEvent> serializer = new AvroSerializer<>()) {
            // generous registry timeout: the benchmark box is shared and the registry runs in this JVM
            serializer.configure(Map.of("schema.registry.url", registryUrl, "http.read.timeout.ms", 60_000), false);
            final byte[][] values = new byte[1024][];
            final long now = System.currentTimeMillis() * 1000;
            for (int i = 0; i < values.length; i++) {
                final OpenEvent e = event(i * 37, paths, now);
                e.getHeader().setSequence(i * 1000L);
                e.getHeader().setCollectorRun("mwx3f2v8-dac2fa");
                values[i] = serializer.serialize(Topics.OPEN, e);
            }
            return values;
        }
    }

    private static Map<String, Object> producerSettings(final String bootstrap) {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.idempotence", true);
        props.put("acks", "all");
        props.put("linger.ms", 20);
        props.put("batch.size", 256 * 1024);
        props.put("buffer.memory", 64L << 20);
        props.put("compression.type", "lz4");
        return props;
    }

    private static Measured baseline(final String bootstrap, final byte[][] values, final int events) {
        final byte[][] keys = new byte[PIDS][];
        for (int i = 0; i < PIDS; i++) {
            keys[i] = ("bench-host|" + (1000 + i)).getBytes(StandardCharsets.UTF_8);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            final long ts = System.currentTimeMillis();
            producer.send(new ProducerRecord<>("bench.baseline", null, ts, keys[0], values[0])); // metadata
            producer.flush();
            final Stopwatch watch = new Stopwatch();
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>("bench.baseline", null, ts, keys[i % PIDS], values[i & 1023]));
            }
            producer.flush();
            return watch.stop(events);
        }
    }

    private static Measured publisher(final String bootstrap, final String registryUrl, final String[] paths,
                                    final int events, final int round) throws Exception {
        final Path spool = Files.createTempDirectory("tether-bench-spool");
        final PublisherConfig config = PublisherConfig.defaults("bench-host", "bench-run-" + round, bootstrap, spool)
                .withProducerConfigs(producerSettings(bootstrap));
        try (RegistrySchemaIds ids = RegistrySchemaIds.forUrl(registryUrl);
             KafkaEventPublisher publisher = KafkaEventPublisher.start(config, ids, new CollectorMetrics())) {
            final long now = System.currentTimeMillis() * 1000;
            publisher.accept(event(0, paths, now)); // schema id and metadata
            if (!publisher.awaitDelivered(Duration.ofSeconds(60))) {
                throw new IllegalStateException("warm-up event not delivered");
            }
            final Stopwatch watch = new Stopwatch();
            for (int i = 1; i <= events; i++) {
                publisher.accept(event(i, paths, now + i));
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
