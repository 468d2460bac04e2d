package io.tether.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the _schemas topic gives: schemas survive restarts and several instances agree. One topic per test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryStorageTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    private static SchemaRegistryServer start(final String topic) {
        return SchemaRegistryServer.start(SchemaRegistryConfig.of(KAFKA.bootstrapServers(), 0).withTopic(topic));
    }

    @Test
    void schemasIdsAndLevelsSurviveARestart() throws Exception {
        final int v1;
        final int v2;
        final int other;
        try (SchemaRegistryServer first = start("_schemas_restart")) {
            final RegistryHttp http = new RegistryHttp(first.url());
            v1 = http.register("restart-value", Samples.V1);
            v2 = http.register("restart-value", Samples.V2_OPTIONAL_FIELD);
            other = http.register("restart.other-value", Samples.OTHER);
            http.put("/config/restart.other-value", "{\"compatibility\":\"FULL\"}");
        }

        final TopicDescription topic = KAFKA.admin().describeTopics(List.of("_schemas_restart")).allTopicNames().get()
                .get("_schemas_restart");
        assertEquals(1, topic.partitions().size());
        assertEquals("compact", KAFKA.topicConfig("_schemas_restart", "cleanup.policy"));

        try (SchemaRegistryServer second = start("_schemas_restart")) {
            final RegistryHttp http = new RegistryHttp(second.url());
            assertEquals("[1,2]", http.get("/subjects/restart-value/versions").json().toString());
            assertEquals(v1, http.get("/subjects/restart-value/versions/1").json().get("id").asInt());
            assertEquals(v2, http.get("/subjects/restart-value/versions/latest").json().get("id").asInt());
            assertEquals(new Schema.Parser().parse(Samples.OTHER),
                    new Schema.Parser().parse(http.get("/schemas/ids/" + other).json().get("schema").asText()));
            assertEquals("FULL", http.get("/config/restart.other-value").json().get("compatibilityLevel").asText());
            // the read-back state also drives decisions: the same schema keeps its id, a new one gets a fresh id
            assertEquals(v1, http.register("restart.copy-value", Samples.V1));
            final int fresh = http.register("restart.new-value", Samples.V3_REQUIRED_FIELD);
            assertTrue(fresh > Math.max(v1, Math.max(v2, other)), "fresh id " + fresh);
            assertEquals(409, http.post("/subjects/restart-value/versions",
                    RegistryHttp.schemaBody(Samples.V3_REQUIRED_FIELD)).status());
        }
    }

    @Test
    void twoInstancesOnOneTopicAgreeEvenWhenRegisteringConcurrently() throws Exception {
        try (SchemaRegistryServer a = start("_schemas_pair");
             SchemaRegistryServer b = start("_schemas_pair")) {
            final RegistryHttp httpA = new RegistryHttp(a.url());
            final RegistryHttp httpB = new RegistryHttp(b.url());

            // written through A, visible through B at once
            final int id = httpA.register("pair-value", Samples.V1);
            assertEquals(Samples.V1.replaceAll("\\s", ""),
                    httpB.get("/schemas/ids/" + id).json().get("schema").asText());
            assertEquals(id, httpB.post("/subjects/pair-value", RegistryHttp.schemaBody(Samples.V1)).json().get("id").asInt());
            httpB.put("/config/pair.race-value", "{\"compatibility\":\"NONE\"}");
            assertEquals("NONE", httpA.get("/config/pair.race-value").json().get("compatibilityLevel").asText());

            // both instances register distinct schemas under one subject at the same time
            final int perInstance = 6;
            final ExecutorService pool = Executors.newFixedThreadPool(2);
            final Map<String, Integer> idBySchema = new HashMap<>();
            try {
                final List<Future<Map<String, Integer>>> futures = new ArrayList<>();
                for (final RegistryHttp http : List.of(httpA, httpB)) {
                    final String tag = http == httpA ? "a" : "b";
                    futures.add(pool.submit(() -> {
                        final Map<String, Integer> ids = new HashMap<>();
                        for (int i = 0; i < perInstance; i++) {
                            final String schema = recordSchema("Race_" + tag + i);
                            ids.put(schema, http.register("pair.race-value", schema));
                        }
                        return ids;
                    }));
                }
                for (final Future<Map<String, Integer>> future : futures) {
                    idBySchema.putAll(future.get());
                }
            } finally {
                pool.shutdownNow();
            }

            assertEquals(2 * perInstance, new HashSet<>(idBySchema.values()).size(), "one distinct id per schema");
            final JsonNode versionsA = httpA.get("/subjects/pair.race-value/versions").json();
            assertEquals(versionsA, httpB.get("/subjects/pair.race-value/versions").json());
            assertEquals(2 * perInstance, versionsA.size());
            for (final JsonNode version : versionsA) {
                final JsonNode viaA = httpA.get("/subjects/pair.race-value/versions/" + version.asInt()).json();
                final JsonNode viaB = httpB.get("/subjects/pair.race-value/versions/" + version.asInt()).json();
                assertEquals(viaA, viaB);
                assertEquals(idBySchema.get(viaA.get("schema").asText()), viaA.get("id").asInt(),
                        "the id each caller was given is the one both instances store");
            }
        }
    }

    @Test
    void recordsWrittenByConfluentAreReadAndUnreadableOnesSkipped() throws Exception {
        KAFKA.createTopic("_schemas_foreign", 1, Map.of("cleanup.policy", "compact"));
        final String schema = new Schema.Parser().parse(Samples.OTHER).toString();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.clientConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, "not json", "garbage");
            send(producer, "{\"keytype\":\"NOOP\",\"magic\":0}", null);
            send(producer, "{\"keytype\":\"SCHEMA\",\"subject\":\"foreign-value\",\"version\":1,\"magic\":1}",
                    "{\"subject\":\"foreign-value\",\"version\":1,\"id\":41,\"schema\":"
                            + RegistryHttp.MAPPER.writeValueAsString(schema) + ",\"deleted\":false}");
            send(producer, "{\"keytype\":\"SCHEMA\",\"subject\":\"foreign-value\",\"version\":2,\"magic\":1}",
                    "{\"subject\":\"foreign-value\",\"version\":2}");
        }
        try (SchemaRegistryServer registry = start("_schemas_foreign")) {
            final RegistryHttp http = new RegistryHttp(registry.url());
            assertEquals(41, http.get("/subjects/foreign-value/versions/latest").json().get("id").asInt());
            assertEquals(schema, http.get("/schemas/ids/41").json().get("schema").asText());
            assertEquals(42, http.register("foreign.next-value", Samples.V1));
        }
    }

    /** Stops the class's broker, so it runs last. */
    @Test
    @Order(Integer.MAX_VALUE)
    void whileTheBrokerIsDownWritesFailWithAStoreErrorAndKnownSchemasAreStillServed() {
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(SchemaRegistryConfig.of(KAFKA.bootstrapServers(), 0)
                .withTopic("_schemas_outage").withTimeout(Duration.ofSeconds(4)))) {
            final RegistryHttp http = new RegistryHttp(registry.url());
            final int id = http.register("outage-value", Samples.V1);
            KAFKA.stopBroker(0);

            final RegistryHttp.Response refused = http.post("/subjects/outage-value/versions",
                    RegistryHttp.schemaBody(Samples.V2_OPTIONAL_FIELD));
            assertEquals(500, refused.status(), refused.body());
            assertTrue(List.of(50001, 50002).contains(refused.errorCode()), refused.body());
            assertTrue(refused.json().get("message").asText().contains("_schemas_outage"), refused.body());

            final RegistryHttp.Response served = http.get("/schemas/ids/" + id);
            assertEquals(200, served.status(), served.body());
            assertEquals(new Schema.Parser().parse(Samples.V1), new Schema.Parser().parse(served.json().get("schema").asText()));
        }
    }

    @Test
    void anUnreachableBrokerIsAClearStartupError() {
        final SchemaRegistryConfig config = SchemaRegistryConfig.of("127.0.0.1:1", 0).withTimeout(Duration.ofSeconds(3));
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> SchemaRegistryServer.start(config));
        assertTrue(error.getMessage().contains("127.0.0.1:1"), error.getMessage());
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final String key, final String value)
            throws Exception {
        producer.send(new ProducerRecord<>("_schemas_foreign", 0, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get();
    }

    private static String recordSchema(final String name) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"io.tether.test\","
                + "\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
    }
}
