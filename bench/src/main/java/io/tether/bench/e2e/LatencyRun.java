package io.tether.bench.e2e;

import io.tether.schemas.topic.HostPartitioner;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroDeserializer;
import io.tether.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Event → migration-set latency under a steady rate: the workload of {@link EventMix} stamped with the wall clock,
 * and every so often a probe — an open that adds a new file ({@code /bench/probe/<n>}) to one application's set.
 * A read_committed consumer of the output topic notes when each probe path first appears in a set; the latency is
 * that moment minus the probe's send time (same JVM, same clock).
 *
 * <p>Probes are only sent during the first {@code probeSeconds}; the steady traffic goes on for the attribution
 * grace period and a little more, because the stream-table joins hold an event until stream time has passed its
 * timestamp by the grace period.
 */
final class LatencyRun {
    static final String PROBE_PREFIX = "/bench/probe/";

    /** Result: sorted latencies in ms of the probes that came out, and how many were sent. */
    record Result(long[] latenciesMs, int probesSent, long eventsSent, double achievedRate, long setsRead) {
        long percentile(final double p) {
            return LatencyRun.percentile(latenciesMs, p);
        }
    }

    private LatencyRun() {
    }

    /** The {@code p}-th percentile (nearest rank) of sorted latencies, -1 if there are none. */
    static long percentile(final long[] sortedMs, final double p) {
        if (sortedMs.length == 0) {
            return -1;
        }
        final int i = (int) Math.ceil(p / 100.0 * sortedMs.length) - 1;
        return sortedMs[Math.max(0, Math.min(sortedMs.length - 1, i))];
    }

    static Result run(final String bootstrap, final String registryUrl, final String prefix, final String outputTopic,
                      final int hosts, final int groups, final int rate, final int probesPerSecond,
                      final Duration probeTime, final Duration trailingTime, final Duration drainTimeout)
            throws InterruptedException {
        final int maxProbes = (int) (probesPerSecond * probeTime.toSeconds()) + 1;
        final long[] sentNanos = new long[maxProbes];
        final long[] latencyNanos = new long[maxProbes];
        Arrays.fill(latencyNanos, -1);
        final AtomicLong received = new AtomicLong();
        final AtomicLong setsRead = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread reader = new Thread(() -> readOutput(bootstrap, registryUrl, outputTopic, sentNanos, latencyNanos,
            received, setsRead, stop), "latency-reader");
        reader.setDaemon(true);
        reader.start();

        final Map<String, Object> producerProps = new HashMap<>();
        producerProps.put("bootstrap.servers", bootstrap);
        producerProps.put("acks", "all");
        producerProps.put("enable.idempotence", true);
        producerProps.put("linger.ms", 5);
        producerProps.put("compression.type", "lz4");
        HostPartitioner.spreadByHost(producerProps);
        final EventMix mix = new EventMix(hosts, groups, 7);
        int probes = 0;
        long sent = 0;
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                 new ByteArraySerializer())) {
            serializer.configure(Map.of("schema.registry.url", registryUrl), false);
            final long start = System.nanoTime();
            final long probeEnd = start + probeTime.toNanos();
            final long trafficEnd = probeEnd + trailingTime.toNanos();
            final long probeEvery = Duration.ofSeconds(1).toNanos() / probesPerSecond;
            // the masters' execs first, then a second of traffic before the first probe
            long nextProbe = start + Duration.ofSeconds(1).toNanos();
            long lastReport = start;
            while (true) {
                final long now = System.nanoTime();
                if (now >= trafficEnd) {
                    break;
                }
                final long due = (long) ((now - start) / 1e9 * rate);
                while (sent < due) {
                    send(producer, serializer, prefix, mix.next(micros()));
                    sent++;
                }
                if (now >= nextProbe && now < probeEnd && probes < maxProbes) {
                    final int n = probes++;
                    final EventMix.Event probe = mix.probe(n % groups, PROBE_PREFIX + n, micros());
                    sentNanos[n] = System.nanoTime();
                    send(producer, serializer, prefix, probe);
                    nextProbe += probeEvery;
                }
                if (now - lastReport > Duration.ofSeconds(5).toNanos()) {
                    lastReport = now;
                    System.out.printf("    latency traffic: %.0f s, %d events, %d probes sent, %d seen%n",
                        (now - start) / 1e9, sent, probes, received.get());
                }
                Thread.sleep(1);
            }
            final double achieved = sent / ((System.nanoTime() - start) / 1e9);
            producer.flush();
            final long deadline = System.nanoTime() + drainTimeout.toNanos();
            while (received.get() < probes && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            stop.set(true);
            reader.join(10_000);
            final long[] latencies = Arrays.stream(latencyNanos, 0, probes).filter(l -> l >= 0)
                .map(l -> l / 1_000_000).sorted().toArray();
            // where the tail sits: the slowest probes with when they were sent (s after the first probe)
            System.out.printf("    slowest probes: %s%n", java.util.stream.IntStream.range(0, probes)
                .filter(i -> latencyNanos[i] >= 0).boxed()
                .sorted((a, b) -> Long.compare(latencyNanos[b], latencyNanos[a])).limit(6)
                .map(i -> String.format(java.util.Locale.ROOT, "#%d at %.1f s: %d ms", i,
                    (sentNanos[i] - sentNanos[0]) / 1e9, latencyNanos[i] / 1_000_000))
                .collect(java.util.stream.Collectors.joining(", ")));
            // a fresh app's first transactions and fetches delay the first probes: the steady state without them
            final long[] steady = java.util.stream.IntStream.range(0, probes)
                .filter(i -> latencyNanos[i] >= 0 && sentNanos[i] - sentNanos[0] >= WARM_UP_NANOS)
                .mapToLong(i -> latencyNanos[i] / 1_000_000).sorted().toArray();
            if (steady.length > 0) {
                System.out.printf("    after the first %d s of probes (%d probes): p50 %d ms, p99 %d ms, max %d ms%n",
                    WARM_UP_NANOS / 1_000_000_000L, steady.length, percentile(steady, 50), percentile(steady, 99),
                    steady[steady.length - 1]);
            }
            return new Result(latencies, probes, sent, achieved, setsRead.get());
        }
    }

    /** Probes sent this long after the first are the steady state (the first ones meet a fresh app's warm-up). */
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    private static long micros() {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static void send(final KafkaProducer<String, byte[]> producer, final AvroSerializer<SpecificRecord> serializer,
                             final String prefix, final EventMix.Event e) {
        final String topic = e.kind().topic(prefix);
        final long ts = EventMix.header(e.value()).getTimeMicros() / 1000;
        producer.send(new ProducerRecord<>(topic, null, ts, e.key(), serializer.serialize(topic, e.value())));
    }

    private static void readOutput(final String bootstrap, final String registryUrl, final String topic,
                                   final long[] sentNanos, final long[] latencyNanos, final AtomicLong received,
                                   final AtomicLong setsRead, final AtomicBoolean stop) {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        props.put("auto.offset.reset", "earliest");
        props.put("schema.registry.url", registryUrl);
        final AvroDeserializer<MigrationSet> sets = new AvroDeserializer<>(MigrationSet.class);
        sets.configure(Map.of("schema.registry.url", registryUrl), false);
        try (KafkaConsumer<String, MigrationSet> consumer = new KafkaConsumer<>(props, new StringDeserializer(), sets)) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop.get()) {
                for (final ConsumerRecord<String, MigrationSet> r : consumer.poll(Duration.ofMillis(50))) {
                    final long arrived = System.nanoTime();
                    if (r.value() == null) {
                        continue;
                    }
                    setsRead.incrementAndGet();
                    for (final FileMember f : r.value().getFiles()) {
                        final String path = f.getPath();
                        if (path.startsWith(PROBE_PREFIX)) {
                            final int n = Integer.parseInt(path.substring(PROBE_PREFIX.length()));
                            if (n < latencyNanos.length && latencyNanos[n] < 0) {
                                latencyNanos[n] = arrived - sentNanos[n];
                                received.incrementAndGet();
                            }
                        }
                    }
                }
            }
        }
    }
}
