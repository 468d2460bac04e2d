package io.tether.bench.e2e;

import io.tether.collector.publish.ProducerSettings;
import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.serde.AvroDeserializer;
import io.tether.schemas.serde.AvroSerializer;
import io.tether.streams.app.TetherStreamsApp;
import io.tether.streams.topology.TopologyOptions;
import io.tether.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end figures of the streams app against a real broker (in-process single-node KRaft) and the real schema
 * registry, each next to a baseline measured in the same run:
 * <ol>
 *   <li>throughput: N pre-loaded events drained by the whole topology under exactly_once_v2, against bare
 *       KafkaConsumers draining the same topics (raw bytes, and with the same Avro deserializer) and against the
 *       framework's floor: a logic-free Kafka Streams app on the same inputs, reading only and with one exactly-once
 *       write per event ({@link BareStreams}), and with {@code --prescribed-shape true} the app's topology shape with
 *       trivial logic ({@link PrescribedShape}): the floor of the shape issue 4 prescribes;</li>
 *   <li>replay: a fresh application id re-reading the same history from the beginning, and {@code tether replay
 *       --from-topics} (the CLI command: read, sort, feed into its own topics, process);</li>
 *   <li>latency: event send → first migration set on the output topic that shows it, under a steady rate, for a
 *       few (pid-table grace, commit interval) settings.</li>
 * </ol>
 *
 * <pre>java -cp ... io.tether.bench.e2e.StreamsE2eBench [--events N] [--partitions P] [--threads T]
 *     [--latency-rate R] [--latency-runs grace_s:commit_ms,...] [--phase-timeout-s S] [--bare-streams true|false]
 *     [--streams-config key=value,...] [--dump-sets DIR] [--join-window-s S]
 *     [--join-grace-s S] [--prescribed-shape true|false]</pre>
 */
public final class StreamsE2eBench {
    /** The history lives in the default topics (tether.exec ...): that is where {@code tether replay --from-topics} reads. */
    private static final String HISTORY = "";

    private final Args args;
    private final List<String> summary = new ArrayList<>();
    private KafkaBrokerExtension kafka;
    private SchemaRegistryServer registry;
    private Path stateRoot;

    private StreamsE2eBench(final Args args) {
        this.args = args;
    }

    public static void main(final String[] argv) throws Exception {
        final Args args = Args.parse(argv);
        final StreamsE2eBench bench = new StreamsE2eBench(args);
        final Thread cleanup = new Thread(bench::close, "e2e-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            bench.run();
        } finally {
            bench.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.out.println();
        System.out.println("==== summary ====");
        bench.summary.forEach(System.out::println);
        System.exit(0);
    }

    private void run() throws Exception {
        log("machine: %d cpus, load %s; %s", Runtime.getRuntime().availableProcessors(), load(), args);
        stateRoot = Files.createTempDirectory("tether-e2e");
        kafka = KafkaBrokerExtension.singleNode();
        kafka.start();
        registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
        log("broker %s, registry %s, state under %s", kafka.bootstrapServers(), registry.url(), stateRoot);

        createInputs(HISTORY);
        final long total = preload();
        final List<TopicPartition> inputs = inputPartitions(HISTORY);

        final double raw = bareConsumer("raw bytes", inputs, total, ByteArrayDeserializer::new);
        final double avro = bareConsumer("Avro", inputs, total, () -> {
            final AvroDeserializer<SpecificRecord> d = new AvroDeserializer<>();
            d.configure(Map.of("schema.registry.url", registry.url()), false);
            return d;
        });

        final List<String> bareLines = new ArrayList<>();
        if (args.bareStreams) {
            // the first Kafka Streams app of the JVM pays for class loading and compiling the framework: a pass
            // that is not reported, so that neither floor carries it (the app phases run later, warm too)
            bareStreams("warmup", BareStreams.Shape.READ, inputs, total);
            for (final BareStreams.Shape shape : List.of(BareStreams.Shape.READ, BareStreams.Shape.WRITE)) {
                bareLines.add(bareStreams(shape.name().toLowerCase(Locale.ROOT), shape, inputs, total));
            }

        }

        final Drain app = drain("throughput", "e2e-throughput", "out.", inputs, total);
        summary.add(String.format(Locale.ROOT, "throughput (%d events, %d partitions, %d stream threads, exactly_once_v2):",
            total, args.partitions, args.threads));
        summary.add(String.format(Locale.ROOT, "  bare consumer, raw bytes   : %,10.0f events/s", raw));
        summary.add(String.format(Locale.ROOT, "  bare consumer, Avro        : %,10.0f events/s", avro));
        summary.addAll(bareLines);
        summary.add(app.line("  streams app (from RUNNING)", raw, avro));
        summary.add(app.cpuLine("  streams app CPU           ", bareCpuMicros.get("Avro")));
        versusBareStreams("  streams app", app).ifPresent(summary::add);
        summary.add(String.format(Locale.ROOT, "  streams app incl. start-up : %,10.0f events/s (start-up %.1f s)",
            app.rateWithStartup(), app.startupSeconds()));

        final Drain replay = drain("replay", "e2e-replay", "replay.", inputs, total);
        summary.add("replay (fresh application.id re-reading the same history from offset 0):");
        summary.add(replay.line("  fresh app (from RUNNING)  ", raw, avro));
        summary.add(replay.cpuLine("  fresh app CPU             ", bareCpuMicros.get("Avro")));
        versusBareStreams("  fresh app", replay).ifPresent(summary::add);

        if (args.prescribedShape) {
            // after the app's phases: warm, as READ and WRITE are after their warm-up pass (the join, the
            // versioned stores and the caches are compiled by then), and the app's phases run as without the flag
            summary.add("floor of the prescribed shape (the app's topology, trivial logic; after the app's phases):");
            summary.add(bareStreams("prescribed", BareStreams.Shape.PRESCRIBED, inputs, total));
            versusPrescribed("  streams app", app).ifPresent(summary::add);
            versusPrescribed("  fresh app", replay).ifPresent(summary::add);
        }

        if (args.tetherReplay) {
            tetherReplay(total, raw, avro);
        }

        for (final String spec : args.latencyRuns) {
            latency(spec);
        }
    }

    // ---- pre-load -------------------------------------------------------------------------------------------

    private void createInputs(final String prefix) {
        for (final EventKind kind : EventKind.values()) {
            kafka.createTopic(kind.topic(prefix), args.partitions, Map.of());
        }
    }

    private List<TopicPartition> inputPartitions(final String prefix) {
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final EventKind kind : EventKind.values()) {
            for (int p = 0; p < args.partitions; p++) {
                partitions.add(new TopicPartition(kind.topic(prefix), p));
            }
        }
        return partitions;
    }

    /**
     * Writes N events spread evenly over {@code historySeconds} of event time (short by default, so that the run
     * stays within the process table's history of a few minutes), then per partition a few records from
     * a process nobody knows, later than the grace periods: they advance stream time so that the joins release the
     * last events instead of holding them for records that never come. Returns how many records were written.
     */
    private long preload() throws Exception {
        log("pre-loading %,d events (%d hosts, %d applications, %.0f s of event time)...", args.events, args.hosts,
            args.groups, args.historySeconds);
        final EventMix mix = new EventMix(args.hosts, args.groups, 42);
        final long spanMicros = (long) (args.historySeconds * 1e6);
        final long base = (System.currentTimeMillis() - 24 * 3600_000L) * 1000;
        final long[] perKind = new long[EventKind.values().length];
        long written = 0;
        final long start = System.nanoTime();
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                 new ByteArraySerializer())) {
            serializer.configure(Map.of("schema.registry.url", registry.url()), false);
            long lastReport = start;
            for (long i = 0; i < args.events; i++) {
                final EventMix.Event e = mix.next(base + i * spanMicros / args.events);
                send(producer, serializer, HISTORY, e, null);
                perKind[e.kind().ordinal()]++;
                written++;
                if (System.nanoTime() - lastReport > 5e9) {
                    lastReport = System.nanoTime();
                    log("  pre-load %,d / %,d", i, args.events);
                }
            }
            // past the attribution grace (30 s) and the connection join's window + grace (30 s + 30 s, or --join-window-s
            // and --join-grace-s),
            // within the process
            // table's history (2 min), so that the last events are released and still find their process
            final long joinGraceSeconds = args.joinGraceSeconds == null ? 30 : args.joinGraceSeconds;
            final long joinWindowSeconds = args.joinWindowSeconds == null ? 30 : args.joinWindowSeconds;
            final long flushTime = base + spanMicros
                + Duration.ofSeconds(joinWindowSeconds + joinGraceSeconds + 5).toNanos() / 1000;
            for (int p = 0; p < args.partitions; p++) {
                for (int k = 0; k < 8; k++) {
                    for (final EventMix.Event e : EventMix.streamTimeAdvance(p * 8 + k, flushTime)) {
                        send(producer, serializer, HISTORY, e, p);
                        perKind[e.kind().ordinal()]++;
                        written++;
                    }
                }
            }
            producer.flush();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final StringBuilder mixLine = new StringBuilder();
        for (final EventKind kind : EventKind.values()) {
            mixLine.append(String.format(Locale.ROOT, " %s=%,d", kind.name().toLowerCase(Locale.ROOT),
                perKind[kind.ordinal()]));
        }
        log("pre-loaded %,d records in %.1f s (%,.0f/s, Avro-encoding included):%s", written, seconds,
            written / seconds, mixLine);
        summary.add("input mix:" + mixLine);
        return written;
    }

    private static void send(final KafkaProducer<String, byte[]> producer, final AvroSerializer<SpecificRecord> serializer,
                             final String prefix, final EventMix.Event e, final Integer partition) {
        final String topic = e.kind().topic(prefix);
        final long ts = EventMix.header(e.value()).getTimeMicros() / 1000;
        producer.send(new ProducerRecord<>(topic, partition, ts, e.key(), serializer.serialize(topic, e.value())));
    }

    private Map<String, Object> producerProps() {
        // the collector's own producer settings
        final Map<String, Object> props = ProducerSettings.delivery();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        return props;
    }

    // ---- baselines ------------------------------------------------------------------------------------------

    private double bareConsumer(final String what, final List<TopicPartition> partitions, final long total,
                                final Supplier<Deserializer<?>> values) {
        log("baseline: bare KafkaConsumer (%s) draining %,d records...", what, total);
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", false);
        props.put("auto.offset.reset", "earliest");
        final long deadline = System.nanoTime() + Duration.ofSeconds(args.phaseTimeoutSeconds).toNanos();
        try (KafkaConsumer<String, ?> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values.get())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long checksum = 0;
            final long start = System.nanoTime();
            final long cpuStart = THREADS.getCurrentThreadCpuTime();
            while (count < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("baseline did not finish within " + args.phaseTimeoutSeconds + " s");
                }
                for (final ConsumerRecord<String, ?> r : consumer.poll(Duration.ofMillis(100))) {
                    count++;
                    checksum += r.key().length() + (r.value() == null ? 0 : r.value().hashCode() & 1);
                }
            }
            final double rate = count / ((System.nanoTime() - start) / 1e9);
            final double cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e3 / count;
            log("  %s: %,.0f records/s, %.2f us CPU per record (checksum %d), load %s", what, rate, cpuMicros,
                checksum, load());
            bareCpuMicros.put(what, cpuMicros);
            return rate;
        }
    }

    /**
     * The framework's floor in this run (BareStreams): Kafka Streams with the app's input side and no logic, under
     * exactly-once, with the app's thread count and commit interval. Returns its summary line.
     */
    private String bareStreams(final String run, final BareStreams.Shape shape, final List<TopicPartition> inputs,
                               final long total) throws Exception {
        final String id = "e2e-bare-" + run;
        log("baseline: bare Kafka Streams (%s, exactly_once_v2, %d threads) draining %,d records...", shape,
            args.threads, total);
        final List<String> topics = inputs.stream().map(TopicPartition::topic).distinct().toList();
        if (shape == BareStreams.Shape.WRITE) {
            topics.forEach(topic -> kafka.createTopic(id + ".out." + topic, args.partitions, Map.of()));
        }
        BareStreams.Prescribed prescribed = null;
        if (shape == BareStreams.Shape.PRESCRIBED) {
            // the app's options (windows, histories, serde config) on the history's inputs, its outputs under the id
            final TopologyOptions options = BenchApp.options(HISTORY, id + ".", registry.url(), null,
                args.joinWindowSeconds == null ? null : Duration.ofSeconds(args.joinWindowSeconds),
                args.joinGraceSeconds == null ? null : Duration.ofSeconds(args.joinGraceSeconds));
            createOutputs(options);
            prescribed = new BareStreams.Prescribed(options, kafka.admin(), inputs);
        }
        final BareStreams.Result r = BareStreams.drain(kafka.bootstrapServers(), registry.url(), id, topics,
            id + ".out.", stateRoot.resolve(id), args.threads, args.commitMs, shape, total,
            Duration.ofSeconds(args.phaseTimeoutSeconds), StreamsE2eBench::appCpuNanos, prescribed);
        String written = "";
        if (prescribed != null) {
            final GroupProgress.Volume volume = GroupProgress.writeVolume(kafka.admin(), id,
                Set.of(prescribed.options().migrationSetsTopic(), prescribed.options().apIndexTopic()), total);
            volume.lines().forEach(l -> log("%s", l));
            prescribedWritten = volume.recordsPerEvent();
            written = String.format(Locale.ROOT, ", %.2f records written per event", volume.recordsPerEvent());
        }
        final String line = String.format(Locale.ROOT, "  bare Kafka Streams, %-5s : %,10.0f events/s, %.1f us CPU "
                + "per event%s%s", shape, r.rate(), r.cpuMicrosPerEvent(), written,
            r.timedOut() ? " [TIMED OUT: lower bound]" : "");
        log("%s (load %s)", line, load());
        floors.put(shape, r);
        return line;
    }

    /** The app's output topics as the app creates them (TopicSetup: the brokers' partition count, its configs). */
    private void createOutputs(final TopologyOptions options) throws Exception {
        final List<org.apache.kafka.clients.admin.NewTopic> outputs = TetherStreamsApp.requiredTopics(options).stream()
            .filter(t -> !t.input())
            .map(t -> new org.apache.kafka.clients.admin.NewTopic(t.name(), java.util.Optional.empty(),
                java.util.Optional.empty()).configs(t.configs()))
            .toList();
        kafka.admin().createTopics(outputs).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The app against the floor of its shape measured in this run ({@code PRESCRIBED}), when it was. */
    private java.util.Optional<String> versusPrescribed(final String label, final Drain d) {
        final BareStreams.Result shape = floors.get(BareStreams.Shape.PRESCRIBED);
        if (shape == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT, "%s vs bare Kafka Streams PRESCRIBED: %.3f x its "
                + "rate, %.1f x its CPU per event; written %.2f records per event vs its %.2f", label,
            d.rate() / shape.rate(), d.cpuMicrosPerEvent() / shape.cpuMicrosPerEvent(), d.writtenPerEvent(),
            prescribedWritten));
    }

    /** Records the PRESCRIBED floor wrote per input event (internal topics and outputs). */
    private double prescribedWritten = Double.NaN;

    /** The app against the framework's floor measured in this run (one exactly-once hop: {@code WRITE}). */
    private java.util.Optional<String> versusBareStreams(final String label, final Drain d) {
        final BareStreams.Result hop = floors.get(BareStreams.Shape.WRITE);
        if (hop == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT, "%s vs bare Kafka Streams WRITE: %.3f x its rate, "
            + "%.1f x its CPU per event", label, d.rate() / hop.rate(), d.cpuMicrosPerEvent() / hop.cpuMicrosPerEvent()));
    }

    /** The floors measured in this run (the warm-up pass is overwritten by the measured READ). */
    private final Map<BareStreams.Shape, BareStreams.Result> floors = new java.util.EnumMap<>(BareStreams.Shape.class);

    // ---- the app --------------------------------------------------------------------------------------------

    /** A drained run: when it was started, became RUNNING, and settled. */
    private record Drain(long records, long startNanos, long runningNanos, long settledNanos, String load,
                         boolean timedOut, long cpuNanos, double writtenPerEvent) {
        /** CPU time of the app's own threads (stream threads, their clients' network threads) per event. */
        double cpuMicrosPerEvent() {
            return cpuNanos / 1e3 / records;
        }

        double rate() {
            return records / ((settledNanos - runningNanos) / 1e9);
        }

        double rateWithStartup() {
            return records / ((settledNanos - startNanos) / 1e9);
        }

        double startupSeconds() {
            return (runningNanos - startNanos) / 1e9;
        }

        String line(final String label, final double raw, final double avro) {
            return String.format(Locale.ROOT, "%s: %,10.0f events/s in %.1f s = %.3f x raw consumer, %.3f x Avro "
                    + "consumer%s (load %s)", label, rate(), (settledNanos - runningNanos) / 1e9, rate() / raw,
                rate() / avro, timedOut ? " [TIMED OUT: not settled, rate is a lower bound]" : "", load);
        }

        String cpuLine(final String label, final double bareAvroCpuMicros) {
            return String.format(Locale.ROOT, "%s: %8.1f us CPU per event (app threads) vs %.2f us for the bare Avro "
                + "consumer = %.1f x", label, cpuMicrosPerEvent(), bareAvroCpuMicros,
                cpuMicrosPerEvent() / bareAvroCpuMicros);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();
    private final Map<String, Double> bareCpuMicros = new HashMap<>();

    /** CPU time used so far by the live threads of an application (their names carry its id). */
    private static long appCpuNanos(final String applicationId) {
        long total = 0;
        for (final java.lang.management.ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(applicationId)) {
                total += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return total;
    }

    private Drain drain(final String phase, final String applicationId, final String outputPrefix,
                        final List<TopicPartition> inputs, final long total) throws Exception {
        log("%s: starting the streams app (%s, %d threads, exactly_once_v2) on %,d pre-loaded records...", phase,
            applicationId, args.threads, total);
        final TopologyOptions options = BenchApp.options(HISTORY, outputPrefix, registry.url(), null,
            args.joinWindowSeconds == null ? null : Duration.ofSeconds(args.joinWindowSeconds),
            args.joinGraceSeconds == null ? null : Duration.ofSeconds(args.joinGraceSeconds));
        final long start = System.nanoTime();
        final TetherStreamsApp app = BenchApp.start(kafka.bootstrapServers(), registry.url(), applicationId, options,
            stateRoot.resolve(applicationId), args.threads, args.commitMs, args.streamsConfig,
            Duration.ofSeconds(120));
        try {
            final long running = System.nanoTime();
            final long cpuAtRunning = appCpuNanos(applicationId);
            log("  RUNNING after %.1f s", (running - start) / 1e9);
            final Set<String> inputTopics = new HashSet<>();
            inputs.forEach(tp -> inputTopics.add(tp.topic()));
            final List<TopicPartition> outputs = new ArrayList<>();
            for (final String topic : List.of(options.migrationSetsTopic(), options.apIndexTopic())) {
                kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> outputs.add(new TopicPartition(topic, p.partition())));
            }
            final GroupProgress progress = new GroupProgress(kafka.admin(), applicationId, inputTopics, outputs);
            final long deadline = running + Duration.ofSeconds(args.phaseTimeoutSeconds).toNanos();
            long lastOutput = -1;
            long lastOutputChange = -1;
            long inputDrainedAt = -1;
            long lastInternalLag = -1;
            long lastInternalChange = running;
            long lastReport = running;
            String loadAtEnd = load();
            while (true) {
                final long now = System.nanoTime();
                final GroupProgress.Snapshot s = progress.snapshot(inputs);
                if (s.outputEnd() != lastOutput) {
                    lastOutput = s.outputEnd();
                    lastOutputChange = now;
                    loadAtEnd = load();
                }
                if (s.inputLag() == 0 && inputDrainedAt < 0) {
                    inputDrainedAt = now;
                } else if (s.inputLag() > 0) {
                    inputDrainedAt = -1;
                }
                if (now - lastReport > 3e9) {
                    lastReport = now;
                    log("  %5.1f s: consumed %,d / %,d input, input lag %,d, internal lag %,d (worst %s), output end %,d, "
                        + "load %s", (now - running) / 1e9, s.consumedInput(), total, s.inputLag(), s.internalLag(),
                        s.worstInternal(), s.outputEnd(), load());
                }
                if (s.internalLag() != lastInternalLag) {
                    lastInternalLag = s.internalLag();
                    lastInternalChange = now;
                }
                // settled: all input read, the outputs have been written and stopped growing, and the internal
                // topics drained -- or (commit markers, see GroupProgress) their lag has not moved for 15 s either
                final boolean wrote = lastOutputChange >= 0 && lastOutput > 0;
                final long quietNanos = wrote ? now - lastOutputChange : 0;
                final boolean internalStill = now - lastInternalChange > 15e9;
                final boolean settled = inputDrainedAt >= 0 && wrote
                    && ((s.internalLag() == 0 && quietNanos > 3e9) || (quietNanos > 15e9 && internalStill));
                if (settled) {
                    if (s.internalLag() > 0) {
                        log("  output and internal lag unchanged for 15 s, internal lag %,d (%s): taking it as settled", s.internalLag(),
                            s.worstInternal());
                    }
                    // the last moment anything moved: input read, internal topics consumed, output written
                    final long end = Math.max(inputDrainedAt, Math.max(lastOutputChange, lastInternalChange));
                    final long cpuNanos = appCpuNanos(applicationId) - cpuAtRunning;
                    log("  settled: %,d records in %.1f s from RUNNING = %,.0f events/s; output records+markers %,d",
                        total, (end - running) / 1e9, total / ((end - running) / 1e9), s.outputEnd());
                    sanityCheck(app);
                    if (args.dumpSets != null) {
                        dumpSets(app, phase);
                    }
                    final GroupProgress.Volume volume = GroupProgress.writeVolume(kafka.admin(), applicationId,
                        outputs.stream().map(TopicPartition::topic).collect(java.util.stream.Collectors.toSet()),
                        total);
                    volume.lines().forEach(line -> log("%s", line));
                    return new Drain(total, start, running, end, loadAtEnd, false, cpuNanos,
                        volume.recordsPerEvent());
                }
                if (now > deadline) {
                    log("  TIMEOUT after %d s: %,d of %,d input consumed", args.phaseTimeoutSeconds, s.consumedInput(),
                        total);
                    return new Drain(s.consumedInput(), start, running, now, load(), true,
                        appCpuNanos(applicationId) - cpuAtRunning, Double.NaN);
                }
                Thread.sleep(200);
            }
        } finally {
            app.close();
        }
    }

    /**
     * Reads back what the app learnt through its HTTP API, so that a run which attributed nothing cannot pass for a
     * fast one: how many APs it knows (the workload has 3 per application: front end, server, batch job) and
     * whether one front end's set holds its server (a connection) and batch job (a shared written file).
     */
    private void sanityCheck(final TetherStreamsApp app) {
        final String ap = EventMix.frontendProgram(0) + "@" + EventMix.host(0);
        try {
            final HttpClient http = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + app.httpPort() + "/api/v1/";
            final String aps = http.send(HttpRequest.newBuilder(URI.create(base + "aps")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
            final long known = aps.split("\"ap\"", -1).length - 1;
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base
                    + "migration-set?ap=" + URLEncoder.encode(ap, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            final String body = response.body();
            final boolean server = body.contains(EventMix.serverProgram(0) + "@");
            final boolean batch = body.contains(EventMix.batchProgram(0) + "@");
            final String line = String.format(Locale.ROOT, "  sanity: %d APs known (workload: %d); set of %s (HTTP %d, "
                + "%d bytes) has its server: %s, its batch job: %s", known, 3 * args.groups, ap, response.statusCode(),
                body.length(), server, batch);
            log("%s", line);
            summary.add(line);
        } catch (final IOException e) {
            log("  sanity check failed: %s", e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Saves every known AP's migration set, as the HTTP API answers it, to {@code <dump-sets>/<phase>.json} (one
     * object keyed by AP, keys sorted at every level), so that two phases over the same history can be diffed:
     * the determinism check of issue 4 against real brokers and several stream threads.
     */
    private void dumpSets(final TetherStreamsApp app, final String phase) {
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT, true);
        try {
            final HttpClient http = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + app.httpPort() + "/api/v1/";
            final com.fasterxml.jackson.databind.JsonNode aps = json.readTree(http.send(HttpRequest.newBuilder(
                URI.create(base + "aps")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("aps");
            final java.util.TreeMap<String, Object> sets = new java.util.TreeMap<>();
            for (final com.fasterxml.jackson.databind.JsonNode entry : aps) {
                final String ap = entry.get("ap").asText();
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "migration-set?ap="
                    + URLEncoder.encode(ap, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
                sets.put(ap, json.readValue(r.body(), Object.class));
            }
            final Path dir = Path.of(args.dumpSets);
            Files.createDirectories(dir);
            final Path file = dir.resolve(phase + ".json");
            Files.writeString(file, json.writeValueAsString(sets));
            log("  %d APs' sets saved to %s", sets.size(), file);
        } catch (final IOException e) {
            log("  could not save the sets: %s", e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code tether replay --from-topics} as a user runs it: reads the whole history, sorts it by event time, feeds it
     * into the replay's own topics and runs a fresh application on them until it has caught up.
     */
    private void tetherReplay(final long total, final double raw, final double avro) {
        log("tether replay --from-topics over the same %,d records...", total);
        final java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream stdout = System.out;
        final int exit;
        final long start = System.nanoTime();
        System.setOut(new java.io.PrintStream(answer, true, StandardCharsets.UTF_8));
        try {
            // the command takes its output stream when it is constructed: the AP listing goes to the buffer
            exit = new picocli.CommandLine(new io.tether.cli.record.ReplayCommand()).execute("--from-topics",
                "--bootstrap", kafka.bootstrapServers(), "--registry", registry.url());
        } finally {
            System.setOut(stdout);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final String first = answer.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("(no answer)");
        final double rate = total / seconds;
        log("  tether replay exit %d in %.1f s = %,.0f events/s; it answered: %s", exit, seconds, rate, first);
        summary.add(String.format(Locale.ROOT, "  tether replay --from-topics (read+sort+feed+process, wall): %,10.0f "
                + "events/s in %.1f s = %.3f x raw consumer, %.3f x Avro consumer, exit %d, \"%s\" (load %s)", rate,
            seconds, rate / raw, rate / avro, exit, first, load()));
    }

    // ---- latency --------------------------------------------------------------------------------------------

    private void latency(final String spec) throws Exception {
        final String[] parts = spec.split(":");
        final Duration grace = Duration.ofSeconds(Long.parseLong(parts[0]));
        final int commitMs = Integer.parseInt(parts[1]);
        final String id = "lat-g" + grace.toSeconds() + "-c" + commitMs;
        final String prefix = id + ".";
        log("latency %s: pid-table grace %d s, commit.interval.ms %d, %,d events/s for %d s of probes + %d s...",
            id, grace.toSeconds(), commitMs, args.latencyRate, args.latencySeconds, grace.toSeconds() + 3);
        createInputs(prefix);
        final TopologyOptions options = BenchApp.options(prefix, prefix, registry.url(), grace);
        final TetherStreamsApp app = BenchApp.start(kafka.bootstrapServers(), registry.url(), "e2e-" + id, options,
            stateRoot.resolve(id), args.threads, commitMs, args.streamsConfig, Duration.ofSeconds(120));
        try {
            final String loadBefore = load();
            final LatencyRun.Result r = LatencyRun.run(kafka.bootstrapServers(), registry.url(), prefix,
                options.migrationSetsTopic(), args.hosts, args.groups, args.latencyRate, args.probesPerSecond,
                Duration.ofSeconds(args.latencySeconds), grace.plusSeconds(3), Duration.ofSeconds(30));
            final String line = String.format(Locale.ROOT, "latency grace=%ds commit=%dms at %,.0f events/s: "
                    + "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms (%d of %d probes seen, %,d sets read; load %s -> %s)",
                grace.toSeconds(), commitMs, r.achievedRate(), r.percentile(50), r.percentile(90), r.percentile(99),
                r.percentile(100), r.latenciesMs().length, r.probesSent(), r.setsRead(), loadBefore, load());
            log("  %s", line);
            summary.add(line);
        } finally {
            app.close();
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private synchronized void close() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (kafka != null) {
            kafka.stop();
            kafka = null;
        }
        if (stateRoot != null) {
            try (var files = Files.walk(stateRoot)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (final IOException e) {
                System.err.println("could not delete " + stateRoot + ": " + e.getMessage());
            }
            stateRoot = null;
        }
    }

    static String load() {
        try {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (final IOException e) {
            return "?";
        }
    }

    private static void log(final String format, final Object... values) {
        System.out.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, values));
    }

    /** Command-line options. */
    private record Args(long events, int partitions, int threads, int hosts, int groups, double historySeconds,
                        int phaseTimeoutSeconds, int latencyRate, int probesPerSecond, int latencySeconds,
                        List<String> latencyRuns, boolean tetherReplay, Integer commitMs, boolean bareStreams,
                        Map<String, String> streamsConfig, String dumpSets, Integer joinWindowSeconds,
                        Integer joinGraceSeconds, boolean prescribedShape) {
        static Args parse(final String[] argv) {
            final Map<String, String> m = new HashMap<>();
            for (int i = 0; i < argv.length; i++) {
                if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("usage: --name value ...; got " + Arrays.toString(argv));
                }
                m.put(argv[i].substring(2), argv[++i]);
            }
            final Args a = new Args(Long.parseLong(m.getOrDefault("events", "1000000")),
                Integer.parseInt(m.getOrDefault("partitions", "2")), Integer.parseInt(m.getOrDefault("threads", "2")),
                Integer.parseInt(m.getOrDefault("hosts", "4")), Integer.parseInt(m.getOrDefault("groups", "40")),
                Double.parseDouble(m.getOrDefault("history-seconds", "20")),
                Integer.parseInt(m.getOrDefault("phase-timeout-s", "300")),
                Integer.parseInt(m.getOrDefault("latency-rate", "500")),
                Integer.parseInt(m.getOrDefault("probes-per-second", "20")),
                Integer.parseInt(m.getOrDefault("latency-seconds", "20")),
                m.getOrDefault("latency-runs", "0:100,30:100").isBlank() ? List.of()
                    : List.of(m.getOrDefault("latency-runs", "0:100,30:100").split(",")),
                Boolean.parseBoolean(m.getOrDefault("tether-replay", "true")),
                m.containsKey("commit-ms") ? Integer.valueOf(m.get("commit-ms")) : null,
                Boolean.parseBoolean(m.getOrDefault("bare-streams", "true")),
                settings(m.getOrDefault("streams-config", "")), m.get("dump-sets"),
                m.containsKey("join-window-s") ? Integer.valueOf(m.get("join-window-s")) : null,
                m.containsKey("join-grace-s") ? Integer.valueOf(m.get("join-grace-s")) : null,
                Boolean.parseBoolean(m.getOrDefault("prescribed-shape", "false")));
            m.keySet().removeAll(Set.of("events", "partitions", "threads", "hosts", "groups", "history-seconds",
                "phase-timeout-s", "latency-rate", "probes-per-second", "latency-seconds", "latency-runs", "tether-replay", "commit-ms",
                "bare-streams", "streams-config", "dump-sets", "join-window-s", "join-grace-s", "prescribed-shape"));
            if (!m.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + m.keySet());
            }
            return a;
        }

        /** {@code key=value,key=value}: app settings for every app the bench starts. */
        private static Map<String, String> settings(final String spec) {
            final Map<String, String> settings = new HashMap<>();
            for (final String pair : spec.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                final int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--streams-config wants key=value[,key=value...], got " + pair);
                }
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            return Map.copyOf(settings);
        }
    }
}
