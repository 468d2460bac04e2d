package io.tether.cli.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.cli.ClusterOptions;
import io.tether.cli.UserException;
import io.tether.cli.internals.ApiClient;
import io.tether.cli.internals.Converters.ApIdConverter;
import io.tether.cli.internals.Converters.PositiveDurationConverter;
import io.tether.cli.internals.Converters.InstantConverter;
import io.tether.cli.internals.Converters.ReadableFileConverter;
import io.tether.cli.internals.Progress;
import io.tether.cli.local.EmbeddedStreams;
import io.tether.schemas.identity.ApId;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.schemas.topic.HostPartitioner;
import io.tether.schemas.serde.AvroSerializer;
import io.tether.schemas.topic.EventType;
import io.tether.streams.app.TetherStreamsApp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tether replay}: re-runs recorded history through a fresh streams application and answers queries as of a
 * time. The replay has its own application id and its own copies of every topic ({@code <id>.tether.exec} …), so
 * nothing of the live application is read or written besides the input history itself. Events are fed in event-time
 * order, each keeps its original key and timestamp, so the sets rebuilt equal the live ones at the same time.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-run history (a recording or the live topics) in a fresh application and answer as of a time.")
public final class ReplayCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(10);
    /** How long a signal waits for an interrupted replay to close its application and delete its topics. */
    private static final Duration UNWIND_LIMIT = Duration.ofSeconds(30);
    /**
     * The code of a replay interrupted before its answer; the process's status is the signal's (130 for Ctrl-C,
     * 143 for SIGTERM) since the JVM is already stopping.
     */
    private static final int INTERRUPTED = 130;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    static final class Source {
        @Option(names = "--in", paramLabel = "FILE", converter = ReadableFileConverter.class,
                description = "A recording made by 'tether record'.")
        Path in;

        @Option(names = "--from-topics", description = "Read the history from the live input topics instead.")
        boolean fromTopics;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--since", paramLabel = "TIME", converter = InstantConverter.class,
            description = "With --from-topics: first event time to read (default: the beginning).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Last event time to feed (default: everything).")
    Instant until;

    @Option(names = "--as-of", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Answer as the sets were at this time (ISO-8601, epoch ms, or an age like 10m).")
    Instant asOf;

    @Option(names = "--ap", paramLabel = "PROGRAM@HOST", converter = ApIdConverter.class,
            description = "Print this AP's migration set (repeatable); without it the known APs are listed.")
    List<ApId> aps = new ArrayList<>();

    @Option(names = "--json", description = "Print answers as the HTTP API's JSON, one document per line.")
    boolean json;

    @Option(names = "--window", paramLabel = "DURATION", converter = PositiveDurationConverter.class, defaultValue = "24h",
            description = "Evidence window of the replayed application (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--serve", description = "Keep the replayed application and its HTTP API up until Ctrl-C.")
    boolean serve;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "0",
            description = "HTTP port of the replayed application (default: any free port).")
    int httpPort;

    @Option(names = "--keep", description = "Keep the replay's topics and state afterwards (default: delete them).")
    boolean keep;

    private final PrintStream out;
    private final PrintStream console;

    public ReplayCommand() {
        this(System.out, System.err);
    }

    ReplayCommand(final PrintStream out, final PrintStream console) {
        this.out = out;
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        final List<RecordedEvent> history = loadHistory();
        history.sort(Comparator.comparingLong(RecordedEvent::timestampMs)
                .thenComparing(RecordedEvent::topic).thenComparingLong(RecordedEvent::offset));
        final String id = "tether-replay-" + ID_TIME.format(Instant.now()) + "-"
                + Long.toString(System.nanoTime() & 0xffffff, 36);
        final String prefix = id + ".";
        console.println("tether replay: " + history.size() + " events into application " + id
                + (history.isEmpty() ? "" : " (event time " + Instant.ofEpochMilli(history.get(0).timestampMs()) + " .. "
                + Instant.ofEpochMilli(history.get(history.size() - 1).timestampMs()) + ")"));
        final Path stateDir = Files.createTempDirectory("tether-replay");
        final List<String> inputTopics = new ArrayList<>();
        for (final EventType type : EventType.values()) {
            inputTopics.add(prefix + type.defaultTopic());
        }
        // Ctrl-C or SIGTERM ends the JVM without unwinding this thread: its finally below (the topics and state of
        // the replay) would not run, and an interrupted replay left tether-replay-* topics behind. The hook
        // interrupts this thread and lets it unwind, bounded, before the JVM goes.
        final Thread replaying = Thread.currentThread();
        final CountDownLatch unwound = new CountDownLatch(1);
        final Thread unwind = new Thread(() -> {
            replaying.interrupt();
            try {
                unwound.await(UNWIND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "replay-stop");
        Runtime.getRuntime().addShutdownHook(unwind);
        boolean answered = false;
        try (Admin admin = Admin.create(cluster.clientConfigs())) {
            try {
                createInputs(admin, inputTopics);
                feed(history, prefix);
                final EmbeddedStreams settings = new EmbeddedStreams(cluster.bootstrap(), cluster.registry(), httpPort,
                        stateDir, id, prefix, window).forReplay();
                try (TetherStreamsApp app = settings.start()) {
                    final ApiClient api = new ApiClient("http://127.0.0.1:" + app.httpPort());
                    awaitCaughtUp(admin, app, id, inputTopics);
                    answer(api);
                    answered = true;
                    if (serve) {
                        console.println("tether replay: serving the replayed sets at " + api.baseUrl() + "/api/v1/aps"
                                + " and " + api.baseUrl() + "/ (Ctrl-C to stop)");
                        awaitInterrupt();
                    }
                }
            } catch (final InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
                // stopped by a signal: --serve ends this way after its answer, anything else ends early
                Thread.interrupted();
                if (!answered) {
                    console.println("tether replay: stopped before it caught up"
                            + (keep ? "; its topics start with " + id : "; removing its topics and state"));
                    return INTERRUPTED;
                }
            } finally {
                Thread.interrupted();
                if (!keep) {
                    cleanUp(admin, id, prefix, stateDir);
                }
            }
        } finally {
            unwound.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(unwind);
            } catch (final IllegalStateException e) {
                // the JVM is stopping: the hook is running and has just been released
            }
        }
        return 0;
    }

    private List<RecordedEvent> loadHistory() throws IOException {
        final List<RecordedEvent> events = new ArrayList<>();
        final long untilMs = until == null ? Long.MAX_VALUE : until.toEpochMilli();
        if (source.in != null) {
            try {
                EventRecording.read(source.in, e -> {
                    if (e.timestampMs() <= untilMs && (since == null || e.timestampMs() >= since.toEpochMilli())) {
                        events.add(e);
                    }
                });
            } catch (final IOException e) {
                throw new UserException("cannot read " + source.in + ": " + e.getMessage(), 2, e);
            }
        } else {
            final HistoryReader reader = new HistoryReader(cluster.clientConfigs(), RecordCommand.inputTopics());
            final Progress progress = new Progress(console, "reading history");
            reader.read(since, until, events::add, progress::update);
            progress.done();
        }
        return events;
    }

    /**
     * One partition per input topic, whatever the live topics have: a replay drains a backlog, and Kafka Streams
     * keeps event time in step only among the partitions of one task. With a task per host partition, one task ran
     * minutes ahead of another, and the connection join released sides as EXTERNAL before their other side, still in
     * the slower task's backlog, arrived (bench/reports/streams-e2e.md, "Determinism (session 5)"). One task takes the
     * whole history in event-time order, as the live app sees it when it keeps up.
     */
    private void createInputs(final Admin admin, final List<String> topics) throws InterruptedException {
        final List<NewTopic> create = new ArrayList<>();
        for (final String name : topics) {
            create.add(new NewTopic(name, 1, (short) -1));
        }
        try {
            admin.createTopics(create).all().get();
        } catch (final ExecutionException e) {
            throw new UserException("cannot create the replay's topics: " + e.getCause().getMessage(), e);
        }
    }

    private void feed(final List<RecordedEvent> history, final String prefix) {
        final Map<String, Object> props = new HashMap<>(cluster.clientConfigs());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        HostPartitioner.spreadByHost(props);
        final Progress progress = new Progress(console, "feeding history");
        final AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(props, false);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            long n = 0;
            for (final RecordedEvent e : history) {
                final String topic = prefix + EventType.of(e.event()).defaultTopic();
                producer.send(new ProducerRecord<>(topic, null, e.timestampMs(), e.key(), e.event()));
                progress.update(++n);
            }
            producer.flush();
        }
        progress.done();
    }

    /**
     * Waits until the replay's consumer group has committed the end of every partition it reads: the input topics
     * and the internal repartition topics between its sub-topologies (the graph is fed through those), twice in a
     * row, so that nothing is still in flight between two sub-topologies.
     */
    private void awaitCaughtUp(final Admin admin, final TetherStreamsApp app, final String groupId,
                               final List<String> topics) throws Exception {
        final Set<TopicPartition> inputs = new HashSet<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> inputs.add(new TopicPartition(name, p.partition()))));
        final Progress progress = new Progress(console, "replaying");
        final long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        int caughtUpChecks = 0;
        long total = 0;
        while (caughtUpChecks < 2) {
            if (app.state() == KafkaStreams.State.ERROR || app.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new UserException("the replay application stopped (state " + app.state() + ")");
            }
            final Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            final Set<TopicPartition> all = new HashSet<>(inputs);
            all.addAll(committed.keySet());
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            final Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            long done = 0;
            total = 0;
            boolean caughtUp = app.state() == KafkaStreams.State.RUNNING;
            for (final TopicPartition tp : all) {
                final long endOffset = end.getOrDefault(tp, 0L);
                final OffsetAndMetadata at = committed.get(tp);
                if (inputs.contains(tp)) {
                    total += endOffset;
                    done += at == null ? 0 : Math.min(at.offset(), endOffset);
                }
                // under exactly-once the end offset counts the commit marker, which the committed offset passes too
                if (endOffset > 0 && (at == null || at.offset() < endOffset)) {
                    caughtUp = false;
                }
            }
            progress.update(done);
            caughtUpChecks = caughtUp ? caughtUpChecks + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new UserException("the replay did not catch up within " + CATCH_UP_LIMIT.toMinutes() + " minutes ("
                        + done + " of " + total + " events)");
            }
            Thread.sleep(1000);
        }
        progress.done();
        console.println("tether replay: caught up (" + total + " events)");
    }

    private void answer(final ApiClient api) throws IOException {
        final String when = asOf == null ? "the end of the history" : asOf.toString();
        if (aps.isEmpty()) {
            final List<JsonNode> known = api.aps();
            if (json) {
                out.println(JSON.writeValueAsString(Map.of("aps", known)));
            } else {
                out.println(known.size() + " APs known at " + when + ":");
                known.forEach(ap -> out.println("  " + ap.path("ap").asText()));
            }
            return;
        }
        for (final ApId ap : aps) {
            final Optional<JsonNode> set = api.migrationSet(ap.toString(), asOf);
            if (json) {
                out.println(set.isPresent() ? JSON.writeValueAsString(set.get())
                        : JSON.writeValueAsString(Map.of("ap", ap.toString(), "absent", true)));
            } else if (set.isEmpty()) {
                out.println(ap + ": not known at " + when);
            } else {
                out.println(ap + " at " + when + ":");
                for (final JsonNode app : set.get().path("apps")) {
                    out.println("  + " + app.path("ap").asText());
                }
                for (final JsonNode file : set.get().path("files")) {
                    out.println("  + " + file.path("path").asText() + "@" + file.path("host").asText() + "  "
                            + file.path("transfer").asText());
                }
            }
        }
        out.flush();
    }

    /** Until Ctrl-C or SIGTERM, which interrupt this thread (see call). */
    private static void awaitInterrupt() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    private void cleanUp(final Admin admin, final String id, final String prefix, final Path stateDir) {
        try {
            final List<String> mine = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(prefix) || t.startsWith(id + "-")).toList();
            admin.deleteTopics(mine).all().get();
            admin.deleteConsumerGroups(List.of(id)).all().get();
        } catch (final ExecutionException e) {
            console.println("tether replay: could not delete all of the replay's topics (" + e.getCause().getMessage()
                    + "); their names start with " + id);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            console.println("tether replay: could not delete " + stateDir + ": " + e.getMessage());
        }
    }

}
