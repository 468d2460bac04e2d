package io.tether.streams.app;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TetherConfigTest {

    private static final Map<String, String> MINIMAL = Map.of("bootstrap.servers", "broker-1:9092", "schema.registry.url", "http://registry:8081");

    @TempDir
    Path dir;

    @Test
    void environmentVariablesMapToKeysLikeConfluentImages() {
        assertEquals("bootstrap.servers", TetherConfig.keyOf("TETHER_BOOTSTRAP_SERVERS"));
        assertEquals("num.standby.replicas", TetherConfig.keyOf("TETHER_NUM_STANDBY_REPLICAS"));
        assertEquals("errors.dead.letter.queue.topic.name", TetherConfig.keyOf("TETHER_ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME"));
        assertEquals("some_key.with-dash", TetherConfig.keyOf("TETHER_SOME__KEY_WITH___DASH"));
        assertEquals(Map.of("state.dir", "/var/lib/tether"),
            TetherConfig.fromEnvironment(Map.of("TETHER_STATE_DIR", "/var/lib/tether", "TETHER_HOME", "/opt/tether", "PATH", "/bin")));
    }

    @Test
    void fileThenEnvironmentThenOverrides() throws Exception {
        final Path file = dir.resolve("tether.properties");
        Files.writeString(file, "bootstrap.servers=from-file:9092\nschema.registry.url=http://file:8081\nhttp.port=8000\nstate.dir=/from/file\n");
        final TetherConfig config = TetherConfig.load(file,
            Map.of("TETHER_HTTP_PORT", "9000", "TETHER_STATE_DIR", "/from/env"),
            Map.of("state.dir", "/from/flag"));
        assertEquals("from-file:9092", config.bootstrapServers());
        assertEquals(9000, config.httpPort());
        final Properties props = config.streamsProperties(9000);
        assertEquals("/from/flag", props.get(StreamsConfig.STATE_DIR_CONFIG));
        assertEquals("http://file:8081", config.topologyOptions().serdeConfig().get("schema.registry.url"));
        assertEquals(null, props.get("http.port"), "Tether's own keys are not handed to Kafka's clients");
    }

    @Test
    void defaultsAreExactlyOnceWithDeadLetterQueueAndAdvertisedServer() {
        final TetherConfig config = TetherConfig.load(null, Map.of(), withMinimal("http.advertised.host", "node-7.example"));
        final Properties props = config.streamsProperties(7171);
        assertEquals("tether", props.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("tether.dlq", props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
        assertEquals("1", props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals("60000", props.get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
        // bad records are skipped and sent to the dead-letter queue by every handler, never stopping the app
        assertEquals(LogAndContinueExceptionHandler.class.getName(), props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(LogAndContinueProcessingExceptionHandler.class.getName(), props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(ContinueProductionExceptionHandler.class.getName(), props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals("node-7.example:7171", props.get(StreamsConfig.APPLICATION_SERVER_CONFIG));
        assertEquals(TetherConfig.DEFAULT_EVIDENCE_WINDOW_MS, config.evidenceWindowMs());
    }

    @Test
    void explicitApplicationServerWins() {
        final TetherConfig config = TetherConfig.load(null, Map.of(), withMinimal("application.server", "lb.example:80"));
        assertEquals("lb.example:80", config.streamsProperties(7070).get(StreamsConfig.APPLICATION_SERVER_CONFIG));
    }

    @Test
    void badValuesAreNamedInTheError() {
        assertMessage(Map.of("schema.registry.url", "http://r:8081"), "Missing required configuration \"bootstrap.servers\"");
        assertMessage(Map.of("bootstrap.servers", "b:9092"), "schema.registry.url");
        assertMessage(withMinimal("schema.registry.url", "registry:8081"), "expected http(s)://host:port");
        assertMessage(withMinimal("http.port", "70000"), "http.port");
        assertMessage(withMinimal("http.port", "eighty"), "http.port");
        assertMessage(withMinimal("application.server", "no-port"), "expected host:port");
        assertMessage(withMinimal("evidence.window.ms", "0"), "evidence.window.ms");
        final ConfigException kafka = assertThrows(ConfigException.class,
            () -> TetherConfig.load(null, Map.of(), withMinimal("processing.guarantee", "twice")).streamsProperties(7070));
        assertTrue(kafka.getMessage().contains("processing.guarantee"), kafka.getMessage());
    }

    @Test
    void missingFileIsAClearError() {
        final ConfigException e = assertThrows(ConfigException.class, () -> TetherConfig.load(dir.resolve("nope.properties"), Map.of(), MINIMAL));
        assertTrue(e.getMessage().contains("config file not found"), e.getMessage());
    }

    private static void assertMessage(final Map<String, String> settings, final String part) {
        final ConfigException e = assertThrows(ConfigException.class, () -> TetherConfig.load(null, Map.of(), settings));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static Map<String, String> withMinimal(final String key, final String value) {
        final java.util.HashMap<String, String> settings = new java.util.HashMap<>(MINIMAL);
        settings.put(key, value);
        return settings;
    }
}
