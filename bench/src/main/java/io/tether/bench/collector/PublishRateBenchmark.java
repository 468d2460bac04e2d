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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Collector publish rate into a real (in-process, single-node KRaft) broker, against a baseline measured in the same
 * run: a bare KafkaProducer with the same settings sending pre-serialized values of the same size and keys. The
 * publisher's figure includes building each event (as a capture source does), coalescing, sequencing, Avro
 * encoding, the write-ahead spool and waiting for every acknowledgement.
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
            double bestBase = 0;
            double bestPublisher = 0;
            for (int r = 0; r < rounds; r++) {
                final double base = baseline(kafka.bootstrapServers(), values, events);
                final double pub = publisher(kafka.bootstrapServers(), registry.url(), paths, events, r);
                System.out.printf(Locale.ROOT, "round %d: baseline %.0f events/s, publisher %.0f events/s (%.2f)%n",
                        r + 1, base, pub, pub / base);
                bestBase = Math.max(bestBase, base);
                bestPublisher = Math.max(bestPublisher, pub);
            }
            System.out.printf(Locale.ROOT, "best of %d rounds, %d events each: baseline %.0f events/s, collector publisher"
                    + " %.0f events/s, ratio %.2f%n", rounds, events, bestBase, bestPublisher, bestPublisher / bestBase);
        } finally {
            kafka.stop();
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

    private static double baseline(final String bootstrap, final byte[][] values, final int events) {
        final byte[][] keys = new byte[PIDS][];
        for (int i = 0; i < PIDS; i++) {
            keys[i] = ("bench-host|" + (1000 + i)).getBytes(StandardCharsets.UTF_8);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            final long ts = System.currentTimeMillis();
            producer.send(new ProducerRecord<>("bench.baseline", null, ts, keys[0], values[0])); // metadata
            producer.flush();
            final long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>("bench.baseline", null, ts, keys[i % PIDS], values[i & 1023]));
            }
            producer.flush();
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double publisher(final String bootstrap, final String registryUrl, final String[] paths,
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
            final long start = System.nanoTime();
            for (int i = 1; i <= events; i++) {
                publisher.accept(event(i, paths, now + i));
            }
            if (!publisher.awaitDelivered(Duration.ofMinutes(5))) {
                throw new IllegalStateException("not delivered in 5 minutes: " + publisher.metrics().summary());
            }
            final double rate = events / ((System.nanoTime() - start) / 1e9);
            System.out.println("  publisher counters: " + publisher.metrics().summary());
            return rate;
        } finally {
            try (var files = Files.walk(spool)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
