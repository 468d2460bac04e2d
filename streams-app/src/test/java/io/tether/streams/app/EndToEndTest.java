package io.tether.streams.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.schemas.Topics;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.serde.AvroSerializer;
import io.tether.streams.testing.Eventually;
import io.tether.streams.testing.Http;
import io.tether.streams.topology.StoreNames;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole app with Tether's real topology against a real broker: events in, the research's Figure 1 set out over
 * HTTP; malformed input records go to the dead-letter queue with the reason while processing goes on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    private static final String REGISTRY = "mock://end-to-end-" + UUID.randomUUID();
    private static final String AP1 = "/usr/bin/ap1@computer-1";
    private static final String AP2 = "/usr/bin/ap2@computer-2";
    private static final long T = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path stateDir;

    private static TetherStreamsApp app;
    private static Map<String, String> settings;
    private static KafkaProducer<String, SpecificRecord> events;
    private static long ticks;

    @BeforeAll
    static void start() {
        settings = new HashMap<>();
        settings.put("bootstrap.servers", KAFKA.bootstrapServers());
        settings.put("schema.registry.url", REGISTRY);
        settings.put("application.id", "tether-e2e-" + UUID.randomUUID());
        settings.put("state.dir", stateDir.toString());
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("http.advertised.host", "127.0.0.1");
        settings.put("pid.table.grace.ms", "1000");
        settings.put("join.window.ms", "1000");
        settings.put("join.grace.ms", "1000");
        // the app creates its missing input, output and dead-letter topics itself
        app = TetherStreamsApp.withTopology(TetherConfig.load(null, Map.of(), settings)).start();

        final Map<String, Object> config = new HashMap<>(KAFKA.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        final AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(Map.of("schema.registry.url", REGISTRY), false);
        events = new KafkaProducer<>(config, new StringSerializer(), values);
    }

    @AfterAll
    static void stop() {
        if (events != null) {
            events.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void malformedRecordsGoToTheDeadLetterQueueWithTheReason() throws Exception {
        final Map<String, Object> config = new HashMap<>(KAFKA.clientConfig());
        final AvroSerializer<SpecificRecord> avro = new AvroSerializer<>();
        avro.configure(Map.of("schema.registry.url", REGISTRY), false);
        // a well-formed record of the wrong type: an exec event (registered for tether.exec) sent to the open topic
        final byte[] misrouted = avro.serialize(Topics.EXEC, exec("computer-1", 2, T, "/usr/bin/wrong"));
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.OPEN, null, T, key("computer-1", 1), "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
            raw.send(new ProducerRecord<>(Topics.OPEN, null, T, key("computer-1", 2), misrouted)).get();
        }

        final List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        final Map<String, Object> consumerConfig = new HashMap<>(KAFKA.clientConfig());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DLQ));
            Eventually.waitUntil("both malformed records reach " + Topics.DLQ, WAIT, () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(dead::add);
                return dead.size() >= 2;
            });
        }
        assertEquals(2, dead.size());
        assertEquals("not avro at all", new String(dead.get(0).value(), StandardCharsets.UTF_8), "the failing bytes, unchanged");
        for (final ConsumerRecord<byte[], byte[]> record : dead) {
            assertEquals(Topics.OPEN, header(record, "__streams.errors.topic"));
            assertEquals("0", header(record, "__streams.errors.partition"));
            assertNotNull(header(record, "__streams.errors.offset"));
            assertNotNull(header(record, "__streams.errors.exception"), "exception class");
            assertNotNull(header(record, "__streams.errors.message"), "the reason");
        }
        assertTrue(header(dead.get(0), "__streams.errors.exception").contains("Serialization")
            || header(dead.get(0), "__streams.errors.exception").contains("WireFormat"), header(dead.get(0), "__streams.errors.exception"));
        assertTrue(header(dead.get(1), "__streams.errors.message").contains("ExecEvent"),
            () -> "the reason names the record's type: " + header(dead.get(1), "__streams.errors.message"));
        assertEquals(KafkaStreams.State.RUNNING, waitRunning());
    }

    @Test
    @Order(2)
    void figureOneAfterTheBadRecords() {
        // AP1 on computer 1 uses files A and B, AP2 on computer 2 uses C and D, AP1 talks to AP2
        send(Topics.EXEC, proc("computer-1", 100), exec("computer-1", 100, T, "/usr/bin/ap1"), T);
        send(Topics.EXEC, proc("computer-2", 200), exec("computer-2", 200, T, "/usr/bin/ap2"), T);
        events.flush();
        // let the process table learn both programs first, as it would in the hours a real system runs (events
        // that come before their exec also work: they wait for it; other tests show that)
        Eventually.waitUntil("the process table knows both programs", WAIT,
            () -> knownProcess(proc("computer-1", 100)) && knownProcess(proc("computer-2", 200)));
        send(Topics.OPEN, proc("computer-1", 100), open("computer-1", 100, T + 1000, "/data/A", AccessMode.READ), T + 1000);
        send(Topics.OPEN, proc("computer-1", 100), open("computer-1", 100, T + 1000, "/data/B", AccessMode.WRITE), T + 1000);
        send(Topics.OPEN, proc("computer-2", 200), open("computer-2", 200, T + 1000, "/data/C", AccessMode.READ), T + 1000);
        send(Topics.OPEN, proc("computer-2", 200), open("computer-2", 200, T + 1000, "/data/D", AccessMode.WRITE), T + 1000);
        send(Topics.CONNECT, proc("computer-1", 100), ConnectEvent.newBuilder().setHeader(header("computer-1", 100, T + 1000))
            .setProtocol(Protocol.TCP).setLocal(address("198.18.0.1", 40000)).setRemote(address("198.18.0.2", 5432)).build(), T + 1000);
        send(Topics.ACCEPT, proc("computer-2", 200), AcceptEvent.newBuilder().setHeader(header("computer-2", 200, T + 1000))
            .setProtocol(Protocol.TCP).setLocal(address("198.18.0.2", 5432)).setRemote(address("198.18.0.1", 40000)).build(), T + 1000);
        events.flush();

        final String[] last = {""};
        Eventually.waitUntil(() -> "the set of AP1 holds AP2 and files A-D; last answer: " + last[0], WAIT, () -> {
            tick();
            final Http.Response response = Http.migrationSet(app.httpPort(), AP1);
            last[0] = response.body();
            return response.status() == 200 && response.json().get("apps").size() == 2 && response.json().get("files").size() == 4;
        });
        final JsonNode set = Http.migrationSet(app.httpPort(), AP1).json();
        final List<String> members = new ArrayList<>();
        set.get("apps").forEach(a -> members.add(a.get("ap").asText()));
        set.get("files").forEach(f -> members.add(f.get("host").asText() + ":" + f.get("path").asText() + "=" + f.get("transfer").asText()));
        assertEquals(List.of(AP1, AP2, "computer-1:/data/A=COPY", "computer-1:/data/B=MOVE", "computer-2:/data/C=COPY",
            "computer-2:/data/D=MOVE"), members);
        final JsonNode whyD = find(set.get("why"), "computer-2:/data/D");
        assertEquals(List.of("CONNECTS", "OPENS"), kinds(whyD));
        assertEquals(AP2 + " writes computer-2:/data/D", whyD.get("chain").get(1).get("text").asText());

        final Http.Response aps = Http.get(app.httpPort(), "/api/v1/aps");
        assertEquals(200, aps.status(), aps.body());
        final List<String> listed = new ArrayList<>();
        aps.json().get("aps").forEach(a -> listed.add(a.get("ap").asText()));
        assertEquals(List.of(AP1, AP2), listed);
        assertEquals(200, Http.get(app.httpPort(), "/health").status());
        assertTrue(Http.get(app.httpPort(), "/metrics").body().contains("kafka_stream"), "Kafka Streams metrics are exported");
        // Tether's own sensors are added when the tasks start, after the metrics were bound: they follow within seconds
        Eventually.waitUntil("Tether's own metrics on /metrics", Duration.ofSeconds(20), () -> {
            final String exported = Http.get(app.httpPort(), "/metrics").body();
            return exported.contains("kafka_stream_tether_attribution_unattributed_events_total")
                && exported.contains("kafka_stream_tether_attribution_mispartitioned_events_total")
                && exported.contains("kafka_stream_tether_graph_oversized_sets_total");
        });
    }

    @Test
    @Order(3)
    void theSetsComeBackFromTheOutputTopicWhenTheLocalStateIsLost() throws Exception {
        final String now = Http.migrationSet(app.httpPort(), AP1).body();
        final Instant updated = Instant.parse(Http.migrationSet(app.httpPort(), AP1).json().get("updated").asText());
        app.close();
        // the set table has no changelog of its own: the output topic is its changelog
        final String applicationId = settings.get("application.id");
        assertTrue(KAFKA.admin().listTopics().names().get().stream()
                .noneMatch(t -> t.startsWith(applicationId) && t.contains("migration-sets")),
            () -> "a changelog copy of the sets: " + KAFKA.admin().listTopics().names());
        try (var files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).filter(f -> !f.equals(stateDir)).forEach(f -> f.toFile().delete());
        }

        app = TetherStreamsApp.withTopology(TetherConfig.load(null, Map.of(), settings)).start();
        assertEquals(KafkaStreams.State.RUNNING, waitRunning());
        final String[] last = {""};
        Eventually.waitUntil(() -> "the set of AP1 restored; last answer: " + last[0], WAIT, () -> {
            final Http.Response response = Http.migrationSet(app.httpPort(), AP1);
            last[0] = response.body();
            return response.status() == 200;
        });
        assertEquals(now, Http.migrationSet(app.httpPort(), AP1).body(), "the same set as before the state was lost");
        // and its history: as of its last change it is the same set, before the first event there was none
        assertEquals(200, Http.migrationSet(app.httpPort(), AP1, updated.toString()).status());
        assertEquals(404, Http.migrationSet(app.httpPort(), AP1, Instant.ofEpochMilli(T - 1_000).toString()).status());
    }

    @Test
    @Order(4)
    void aSetLargerThanTheBrokersDefaultRecordLimitIsWritten() {
        // 12,000 written files of ~110-character paths: a set of ~2 MB, twice what a topic takes by default
        final int files = 12_000;
        send(Topics.EXEC, proc("computer-3", 300), exec("computer-3", 300, T + 2_000, "/usr/bin/indexer"), T + 2_000);
        events.flush();
        Eventually.waitUntil("the process table knows the indexer", WAIT, () -> knownProcess(proc("computer-3", 300)));
        final String dir = "/srv/index/" + "shard/".repeat(14);
        for (int i = 0; i < files; i++) {
            send(Topics.OPEN, proc("computer-3", 300), open("computer-3", 300, T + 3_000, dir + "segment-" + i + ".idx",
                AccessMode.WRITE), T + 3_000);
        }
        events.flush();
        final String[] last = {""};
        Eventually.waitUntil(() -> "the indexer's set lists all its files; last answer: " + last[0], WAIT, () -> {
            final Http.Response response = Http.migrationSet(app.httpPort(), "/usr/bin/indexer@computer-3");
            last[0] = response.status() + " " + response.body().substring(0, Math.min(200, response.body().length()));
            return response.status() == 200 && response.json().get("files").size() == files;
        });
        assertTrue(Http.migrationSet(app.httpPort(), "/usr/bin/indexer@computer-3").body().length() > 1_100_000,
            "the set is larger than a topic's default record limit");
        assertEquals(KafkaStreams.State.RUNNING, app.state());
    }

    private static boolean knownProcess(final String processKey) {
        final StateQueryResult<VersionedRecord<Object>> result = app.streams().query(StateQueryRequest.inStore(StoreNames.PROCESS_TABLE)
            .withQuery(VersionedKeyQuery.<String, Object>withKey(processKey)));
        return result.getPartitionResults().values().stream().anyMatch(r -> r.isSuccess() && r.getResult() != null);
    }

    private static KafkaStreams.State waitRunning() {
        Eventually.waitUntil("the app is running", WAIT, () -> app.state() == KafkaStreams.State.RUNNING);
        return app.state();
    }

    /** Advances stream time with events of a process nobody exec'd: they are never attributed, so they add nothing. */
    private static void tick() {
        final long at = T + 5_000 + 2_000 * ticks++;
        send(Topics.OPEN, proc("clock", 1), open("clock", 1, at, "/tick", AccessMode.READ), at);
        send(Topics.CONNECT, proc("clock", 1), ConnectEvent.newBuilder().setHeader(header("clock", 1, at)).setProtocol(Protocol.TCP)
            .setLocal(address("203.0.113.1", 1000)).setRemote(address("203.0.113.2", (int) (1000 + ticks))).build(), at);
        send(Topics.ACCEPT, proc("clock", 1), AcceptEvent.newBuilder().setHeader(header("clock", 1, at)).setProtocol(Protocol.TCP)
            .setLocal(address("203.0.113.3", 1000)).setRemote(address("203.0.113.4", (int) (1000 + ticks))).build(), at);
        events.flush();
    }

    private static void send(final String topic, final String key, final SpecificRecord value, final long timestamp) {
        events.send(new ProducerRecord<>(topic, null, timestamp, key, value));
    }

    private static byte[] key(final String host, final int pid) {
        return ProcessKey.of(host, pid).getBytes(StandardCharsets.UTF_8);
    }

    private static String proc(final String host, final int pid) {
        return ProcessKey.of(host, pid);
    }

    private static EventHeader header(final String host, final int pid, final long atMillis) {
        return EventHeader.newBuilder().setHostId(host).setPid(pid).setStartTime((T - 60_000) * 1000).setPpid(1).setUid(1000)
            .setTimeMicros(atMillis * 1000).setSource(CaptureSource.PROBE).setSequence(atMillis).setCollectorRun("e2e").build();
    }

    private static ExecEvent exec(final String host, final int pid, final long atMillis, final String program) {
        return ExecEvent.newBuilder().setHeader(header(host, pid, atMillis)).setExecutable(program).setArgv(List.of(program))
            .setProgram(program).build();
    }

    private static OpenEvent open(final String host, final int pid, final long atMillis, final String path, final AccessMode mode) {
        return OpenEvent.newBuilder().setHeader(header(host, pid, atMillis)).setPath(path).setFlags(mode == AccessMode.WRITE ? 2 : 0)
            .setMode(mode).build();
    }

    private static SocketAddress address(final String ip, final int port) {
        return SocketAddress.newBuilder().setIp(ip).setPort(port).build();
    }

    private static String header(final ConsumerRecord<?, ?> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode find(final JsonNode why, final String member) {
        for (final JsonNode path : why) {
            if (path.get("member").asText().equals(member)) {
                return path;
            }
        }
        throw new AssertionError("no why for " + member + " in " + why);
    }

    private static List<String> kinds(final JsonNode why) {
        final List<String> kinds = new ArrayList<>();
        why.get("chain").forEach(step -> kinds.add(step.get("kind").asText()));
        return kinds;
    }
}
