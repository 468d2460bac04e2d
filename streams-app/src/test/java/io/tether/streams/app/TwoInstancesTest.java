package io.tether.streams.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerde;
import io.tether.streams.cli.QueryCommand;
import io.tether.streams.query.Json;
import io.tether.streams.query.MigrationSets;
import io.tether.streams.testing.Eventually;
import io.tether.streams.testing.Http;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two app instances in one JVM against a real broker, with the query tables spread over four partitions: each
 * instance answers for keys the other owns, keys whose owner cannot be reached are read from a standby, and after
 * one instance stops the other answers for all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    private static final int COMPONENTS = 12;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Instant T1 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    private static final Instant T0 = T1.minus(Duration.ofHours(1));
    private static final String REGISTRY = "mock://two-instances-" + UUID.randomUUID();

    @TempDir
    static Path stateDirs;

    private static final String APPLICATION_ID = "tether-two-" + UUID.randomUUID();
    private static TetherStreamsApp first;
    private static TetherStreamsApp second;
    private static final List<String> APS = new ArrayList<>();
    private static final Map<String, String> ANSWERS = new HashMap<>();

    @BeforeAll
    static void startTwoInstances() throws Exception {
        KAFKA.createTopic(OutputTablesTopology.MIGRATION_SETS_TOPIC, 4, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        KAFKA.createTopic(OutputTablesTopology.AP_INDEX_TOPIC, 4, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        produceSets();
        first = start(APPLICATION_ID, "first", Map.of());
        second = start(APPLICATION_ID, "second", Map.of());
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    @Order(1)
    void eachInstanceAnswersForKeysTheOtherOwns() {
        Eventually.waitUntil("both instances answer every AP", WAIT,
            () -> APS.stream().allMatch(ap -> Http.migrationSet(first.httpPort(), ap).status() == 200
                && Http.migrationSet(second.httpPort(), ap).status() == 200));

        final Set<HostInfo> owners = new HashSet<>();
        for (final String ap : APS) {
            owners.add(first.streams().queryMetadataForKey(OutputTablesTopology.STORES.apIndex(), ap, Serdes.String().serializer()).activeHost());
            final Http.Response fromFirst = Http.migrationSet(first.httpPort(), ap);
            final Http.Response fromSecond = Http.migrationSet(second.httpPort(), ap);
            assertEquals(200, fromFirst.status(), fromFirst.body());
            assertEquals(fromFirst.json(), fromSecond.json(), "both instances give the same answer for " + ap);
            final JsonNode set = fromFirst.json();
            assertEquals(ap, set.get("ap").asText());
            assertEquals(2, set.get("apps").size());
            assertEquals(2, set.get("why").size());
            ANSWERS.put(ap, fromFirst.body());
        }
        assertEquals(Set.of(first.applicationServer(), second.applicationServer()), owners,
            "the keys are spread over both instances, so each answered keys the other owns");
    }

    @Test
    @Order(2)
    void everyInstanceListsEveryAp() {
        for (final TetherStreamsApp instance : List.of(first, second)) {
            final Http.Response response = Http.get(instance.httpPort(), "/api/v1/aps");
            assertEquals(200, response.status(), response.body());
            final List<String> listed = new ArrayList<>();
            response.json().get("aps").forEach(entry -> listed.add(entry.get("ap").asText()));
            assertEquals(APS.stream().sorted().toList(), listed);
        }
    }

    @Test
    @Order(3)
    void tetherQueryPrintsTheSetReadably() {
        final String ap = ap(3, 'a');
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new QueryCommand());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute(ap, "--url", "http://127.0.0.1:" + second.httpPort()));
        final String text = out.toString();
        assertTrue(text.startsWith("Migration set of " + ap), text);
        assertTrue(text.contains("Programs (2):\n  " + ap + "  pids"), text);
        assertTrue(text.contains("Connections (1):\n  " + ap + " -> " + ap(3, 'b') + "  198.18.0.4:40000 -> 198.18.1.4:5432 TCP"), text);
        assertTrue(text.contains("  " + ap(3, 'b') + ":\n      " + ap + " connects to " + ap(3, 'b') + " (connects 198.18.1.4:5432)"), text);

        final StringWriter json = new StringWriter();
        final CommandLine raw = new CommandLine(new QueryCommand());
        raw.setOut(new PrintWriter(json));
        assertEquals(0, raw.execute(ap, "--json", "--url", "http://127.0.0.1:" + first.httpPort()));
        assertEquals(ANSWERS.get(ap).trim(), json.toString().trim());
    }

    @Test
    @Order(4)
    void asOfAnswersWithTheSetOfThatTime() {
        final String a0 = ap(0, 'a');
        final String between = T0.plusSeconds(60).toString();
        final JsonNode then = Http.migrationSet(second.httpPort(), a0, between).json();
        assertEquals(List.of(a0), names(then.get("apps")));
        assertEquals(between, then.get("asOf").asText());
        assertEquals(List.of(a0, ap(0, 'b')), names(Http.migrationSet(second.httpPort(), a0, T1.plusSeconds(1).toString()).json().get("apps")));

        final Http.Response beforeAnything = Http.migrationSet(first.httpPort(), a0, T0.minusSeconds(60).toString());
        assertEquals(404, beforeAnything.status(), beforeAnything.body());
        final Http.Response notYetKnown = Http.migrationSet(first.httpPort(), ap(0, 'b'), between);
        assertEquals(404, notYetKnown.status(), notYetKnown.body());
        assertTrue(notYetKnown.json().get("message").asText().contains("was not known at"));
    }

    @Test
    @Order(5)
    void badRequestsGetJsonErrors() {
        assertError(Http.get(first.httpPort(), "/api/v1/migration-set"), 400, "missing query parameter 'ap'");
        assertError(Http.get(first.httpPort(), "/api/v1/migration-set?ap=nginx"), 400, "expected program@hostId");
        assertError(Http.get(first.httpPort(), "/api/v1/migration-set?ap=relative@h"), 400, "absolute path");
        assertError(Http.migrationSet(first.httpPort(), ap(0, 'a'), "yesterday"), 400, "ISO-8601");
        assertError(Http.migrationSet(second.httpPort(), "/bin/never-seen@nowhere"), 404, "unknown AP /bin/never-seen@nowhere");
        assertError(Http.get(second.httpPort(), "/api/v1/nothing-here"), 404, "no such path");
    }

    @Test
    @Order(6)
    void anOwnerThatCannotBeReachedIsReadFromItsStandby() throws Exception {
        // a third instance that advertises an address nobody listens on: the keys it comes to own can only be
        // answered from the standby copies the other two keep
        final int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        final TetherStreamsApp unreachable = start(APPLICATION_ID, "unreachable", Map.of("application.server", "127.0.0.1:" + deadPort));
        try {
            Eventually.waitUntil("the unreachable instance owns some keys", WAIT, () -> first.state() == KafkaStreams.State.RUNNING
                && unreachable.state() == KafkaStreams.State.RUNNING
                && APS.stream().anyMatch(ap -> unreachable.applicationServer().equals(first.streams()
                    .queryMetadataForKey(OutputTablesTopology.STORES.apIndex(), ap, Serdes.String().serializer()).activeHost())));
            Eventually.waitUntil("both reachable instances answer every AP", WAIT,
                () -> APS.stream().allMatch(ap -> Http.migrationSet(first.httpPort(), ap).status() == 200
                    && Http.migrationSet(second.httpPort(), ap).status() == 200));
            for (final String ap : APS) {
                assertEquals(Json.MAPPER.readTree(ANSWERS.get(ap)), Http.migrationSet(first.httpPort(), ap).json(), ap);
                assertEquals(Json.MAPPER.readTree(ANSWERS.get(ap)), Http.migrationSet(second.httpPort(), ap).json(), ap);
            }
        } finally {
            unreachable.close();
        }
    }

    @Test
    @Order(7)
    void afterOneInstanceStopsTheOtherAnswersEverySet() throws Exception {
        assertFalse(ANSWERS.isEmpty(), "the first test recorded the answers");
        second.close();
        Eventually.waitUntil("the remaining instance answers every AP", WAIT,
            () -> first.state() == KafkaStreams.State.RUNNING
                && APS.stream().allMatch(ap -> Http.migrationSet(first.httpPort(), ap).status() == 200));
        for (final String ap : APS) {
            final Http.Response response = Http.migrationSet(first.httpPort(), ap);
            assertEquals(200, response.status(), response.body());
            assertEquals(Json.MAPPER.readTree(ANSWERS.get(ap)), response.json(), ap);
        }
        // the AP list needs every partition's active owner, so it is complete again once the rebalance is over
        Eventually.waitUntil("the remaining instance lists every AP", WAIT,
            () -> Http.get(first.httpPort(), "/api/v1/aps").status() == 200);
        final Http.Response aps = Http.get(first.httpPort(), "/api/v1/aps");
        assertEquals(APS.size(), aps.json().get("aps").size(), aps.body());
    }

    private static void assertError(final Http.Response response, final int status, final String messagePart) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        final JsonNode body = response.json();
        assertEquals(status, body.get("status").asInt());
        assertNotNull(body.get("error"));
        assertTrue(body.get("message").asText().contains(messagePart), body.toString());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    private static TetherStreamsApp start(final String applicationId, final String name, final Map<String, String> extra) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", KAFKA.bootstrapServers());
        settings.put("schema.registry.url", REGISTRY);
        settings.put("application.id", applicationId);
        settings.put("state.dir", stateDirs.resolve(name).toString());
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        settings.put("http.advertised.host", "127.0.0.1");
        settings.putAll(extra);
        final TetherConfig config = TetherConfig.load(null, Map.of(), settings);
        return new TetherStreamsApp(config, OutputTablesTopology.build(REGISTRY, Duration.ofDays(1)), OutputTablesTopology.STORES, List.of())
            .start();
    }

    private static void produceSets() throws Exception {
        final AvroSerde<MigrationSet> serde = new AvroSerde<>(MigrationSet.class);
        serde.configure(Map.of("schema.registry.url", REGISTRY), false);
        final Map<String, Object> config = new HashMap<>(KAFKA.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, MigrationSet> sets = new KafkaProducer<>(config, new StringSerializer(), serde.serializer());
             KafkaProducer<String, String> index = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            // component 0 at T0: only its first AP; everyone at T1
            final MigrationSet early = MigrationSets.builder().app(ap(0, 'a')).updatedMicros(T0.toEpochMilli() * 1000).build();
            sets.send(new ProducerRecord<>(OutputTablesTopology.MIGRATION_SETS_TOPIC, null, T0.toEpochMilli(), early.getComponentId(), early)).get();
            index.send(new ProducerRecord<>(OutputTablesTopology.AP_INDEX_TOPIC, null, T0.toEpochMilli(), ap(0, 'a'), early.getComponentId())).get();
            for (int i = 0; i < COMPONENTS; i++) {
                final MigrationSet set = MigrationSets.builder().updatedMicros(T1.toEpochMilli() * 1000)
                    .connects(ap(i, 'a'), "198.18.0." + (i + 1), ap(i, 'b'), "198.18.1." + (i + 1), 5432).build();
                sets.send(new ProducerRecord<>(OutputTablesTopology.MIGRATION_SETS_TOPIC, null, T1.toEpochMilli(), set.getComponentId(), set)).get();
                for (final char side : new char[] {'a', 'b'}) {
                    index.send(new ProducerRecord<>(OutputTablesTopology.AP_INDEX_TOPIC, null, T1.toEpochMilli(), ap(i, side), set.getComponentId())).get();
                    APS.add(ap(i, side));
                }
            }
        }
    }

    private static String ap(final int component, final char side) {
        return "/bin/p" + component + side + "@host-" + component;
    }

    private static List<String> names(final JsonNode apps) {
        final List<String> names = new ArrayList<>();
        apps.forEach(app -> names.add(app.get("ap").asText()));
        return names;
    }
}
