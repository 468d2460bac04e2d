package io.tether.bench.e2e;

import io.tether.schemas.serde.AvroSerde;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.streams.app.RequiredTopic;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.TopologyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.ForeachAction;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The framework's own floor on this machine, measured in the same run as the app: a Kafka Streams application with
 * the app's input side (the six input topics, the same Avro deserialiser, {@code exactly_once_v2}, the same commit
 * interval and thread count) and no logic of its own. {@link Shape#READ} only counts the events; {@link Shape#WRITE}
 * also writes each one to an output topic ({@code outputPrefix} + its input topic, which must exist), i.e. one
 * exactly-once hop, the unit the app's topology is made of. {@link Shape#PRESCRIBED} runs the app's topology shape
 * with trivial logic ({@link PrescribedShape}): the floor of the shape issue 4 prescribes.
 * Whatever the app needs beyond these is Tether's own cost.
 */
final class BareStreams {
    /** What the bare application does with each event. */
    enum Shape {
        READ, WRITE, PRESCRIBED
    }

    /**
     * What {@link Shape#PRESCRIBED} needs besides: the app's options (topics, windows, serde config), and how to
     * tell that the events have gone all the way through (the group's progress over all it reads).
     */
    record Prescribed(TopologyOptions options, Admin admin, List<TopicPartition> inputs) {
    }

    /** A finished drain: events after the first, wall time from the first event to the last, CPU of the app's threads. */
    record Result(long events, double seconds, long cpuNanos, boolean timedOut) {
        double rate() {
            return events / seconds;
        }

        double cpuMicrosPerEvent() {
            return cpuNanos / 1e3 / events;
        }
    }

    private BareStreams() {
    }

    /** Thread CPU of an application's threads, by the id in their names (see StreamsE2eBench#appCpuNanos). */
    interface CpuClock {
        long cpuNanos(String applicationId);
    }

    static Result drain(final String bootstrap, final String registryUrl, final String applicationId,
                        final List<String> inputTopics, final String outputPrefix, final Path stateDir,
                        final int threads, final Integer commitIntervalMs, final Shape shape, final long total,
                        final Duration timeout, final CpuClock cpu, final Prescribed prescribed) throws Exception {
        final AtomicLong seen = new AtomicLong();
        // the clock starts at the first event, not at RUNNING: with two threads, one may drain most of a small
        // backlog while the other is still being assigned, before the client reports RUNNING
        final AtomicLong firstNanos = new AtomicLong();
        final AtomicLong cpuAtFirst = new AtomicLong();
        final ForeachAction<String, SpecificRecord> counter = (k, v) -> {
            if (seen.incrementAndGet() == 1) {
                cpuAtFirst.set(cpu.cpuNanos(applicationId));
                firstNanos.set(System.nanoTime());
            }
        };
        final Topology topology;
        if (shape == Shape.PRESCRIBED) {
            topology = PrescribedShape.build(prescribed.options(), counter);
        } else {
            final StreamsBuilder builder = new StreamsBuilder();
            final AvroSerde<SpecificRecord> values = new AvroSerde<>();
            values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
            KStream<String, SpecificRecord> merged = null;
            for (final String topic : inputTopics) {
                final KStream<String, SpecificRecord> in = builder.stream(topic,
                    Consumed.with(Serdes.String(), values).withName(topic + "-source"));
                merged = merged == null ? in : merged.merge(in, Named.as("merge-" + topic));
            }
            final KStream<String, SpecificRecord> counted = merged.peek(counter, Named.as("count"));
            if (shape == Shape.WRITE) {
                // one output topic per input topic: each holds one schema, as the registry's subject-per-topic
                // requires
                counted.to((key, value, context) -> outputPrefix + context.topic(),
                    Produced.with(Serdes.String(), values).withName("sink"));
            }
            topology = builder.build();
        }

        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        if (commitIntervalMs != null) {
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        }
        if (shape == Shape.PRESCRIBED) {
            // as TetherConfig runs the app: the topology's optimizations, and records as large as a set may be
            props.putAll(MigrationSetTopology.optimizations());
            props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                RequiredTopic.MAX_TABLE_RECORD_BYTES);
        }
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("bare streams app not RUNNING (state " + streams.state() + ")");
                }
                Thread.sleep(20);
            }
            // the events are counted as they pass; exactly-once may count an aborted batch twice, which can only
            // make the floor look faster than it is, never slower
            while (seen.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long end = System.nanoTime();
            long cpuAtEnd = cpu.cpuNanos(applicationId);
            boolean unsettled = false;
            if (shape == Shape.PRESCRIBED && seen.get() >= total) {
                // read is not done: the events still travel through the repartition topics, the join, the graph
                // task and the output tables. Done when the group has committed the end of everything it reads
                // (as the bench decides it for the app, see StreamsE2eBench#drain), or when the internal lag has
                // not moved for 15 s (then at the last move)
                final GroupProgress progress = new GroupProgress(prescribed.admin(), applicationId,
                    Set.copyOf(inputTopics), List.of());
                long lastLag = -1;
                long lastChange = System.nanoTime();
                long cpuAtChange = cpu.cpuNanos(applicationId);
                long lastReport = 0;
                System.out.printf(java.util.Locale.ROOT, "  all %,d input events read %.1f s after the first, %.1f s CPU"
                    + " so far%n", total, (end - firstNanos.get()) / 1e9, (cpuAtChange - cpuAtFirst.get()) / 1e9);
                while (true) {
                    final long now = System.nanoTime();
                    final GroupProgress.Snapshot s = progress.snapshot(prescribed.inputs());
                    if (now - lastReport > 3e9) {
                        lastReport = now;
                        System.out.printf(java.util.Locale.ROOT, "  %5.1f s: input lag %,d, internal lag %,d (worst %s),"
                                + " %.1f s CPU so far%n", (now - firstNanos.get()) / 1e9, s.inputLag(), s.internalLag(),
                            s.worstInternal(), (cpu.cpuNanos(applicationId) - cpuAtFirst.get()) / 1e9);
                    }
                    if (s.internalLag() != lastLag) {
                        lastLag = s.internalLag();
                        lastChange = now;
                        cpuAtChange = cpu.cpuNanos(applicationId);
                    }
                    if (s.inputLag() == 0 && s.internalLag() == 0) {
                        end = now;
                        cpuAtEnd = cpu.cpuNanos(applicationId);
                        break;
                    }
                    if ((s.inputLag() == 0 && now - lastChange > 15e9) || now > deadline) {
                        unsettled = now > deadline;
                        end = lastChange;
                        cpuAtEnd = cpuAtChange;
                        break;
                    }
                    Thread.sleep(50);
                }
            }
            final long events = Math.min(seen.get(), total);
            return new Result(Math.max(1, events - 1), (end - firstNanos.get()) / 1e9,
                cpuAtEnd - cpuAtFirst.get(), seen.get() < total || unsettled);
        }
    }
}
