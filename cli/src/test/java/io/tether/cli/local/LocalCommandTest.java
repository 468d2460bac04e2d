package io.tether.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.cli.TetherProcess;
import io.tether.cli.internals.ApiClient;
import io.tether.collector.CollectorConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether local} as a user runs it: a real child process from an empty data dir, ready line, SIGTERM,
 * and a second start on the same data dir that still has what the first one stored.
 */
class LocalCommandTest {
    private static final Duration START_LIMIT = Duration.ofMinutes(4);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void startsFromEmptyDataDirStopsOnSigtermAndResumesWithState() throws Exception {
        final int kafkaPort = freePort();
        final int httpPort = freePort();
        final String bootstrap = "127.0.0.1:" + kafkaPort;
        final ApiClient api = new ApiClient("http://127.0.0.1:" + httpPort);
        final String marker = "state-" + UUID.randomUUID();
        final String[] args = {"local", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(kafkaPort),
                "--registry-port", Integer.toString(freePort()), "--http-port", Integer.toString(httpPort), "--no-collector"};

        try (var first = TetherProcess.start(dataDir, args)) {
            final String ready = first.awaitLine(l -> l.startsWith("tether local ready:"), START_LIMIT);
            assertTrue(ready.contains("kafka=" + bootstrap), ready);
            assertTrue(api.healthy(), "GET /health answers 200 when tether local says it is ready");
            produce(bootstrap, marker);
            final List<ProcessHandle> children = first.process().descendants().toList();
            assertFalse(children.isEmpty(), "the broker runs as a child process");

            first.terminate();
            assertTrue(first.awaitExit(STOP_LIMIT), "tether local must stop on SIGTERM");
            assertTrue(first.output().contains("tether local: stopped"), String.join("\n", first.output()));
            for (final ProcessHandle child : children) {
                child.onExit().get();
                assertFalse(child.isAlive(), "child " + child.pid() + " outlived tether local");
            }
        }

        try (var second = TetherProcess.start(dataDir, args)) {
            second.awaitLine(l -> l.startsWith("tether local ready:"), START_LIMIT);
            assertTrue(api.healthy());
            assertEquals(List.of(marker), consumeAll(bootstrap));
        }
    }

    @Test
    void theCollectorsCountersAreOnTheApisMetrics() throws Exception {
        final String host = "tether-test-" + UUID.randomUUID().toString().substring(0, 8);
        final int httpPort = freePort();
        final Path ring = CollectorConfig.channelFile(CollectorConfig.of(host, "unused:0", "http://unused").channelDir(), host);
        try (var local = TetherProcess.start(dataDir, "local", "--data-dir", dataDir.toString(), "--host-id", host,
                "--kafka-port", Integer.toString(freePort()), "--registry-port", Integer.toString(freePort()),
                "--http-port", Integer.toString(httpPort), "--window", "10m")) {
            final String ready = local.awaitLine(l -> l.startsWith("tether local ready:"), START_LIMIT);
            assertTrue(ready.endsWith("collector=" + host), ready);
            final String metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (final String meter : List.of("tether_collector_events_seen_total", "tether_collector_events_sent_total",
                    "tether_collector_events_spooled_total", "tether_collector_procscan_unreadable_total")) {
                assertTrue(metrics.contains(meter + "{host=\"" + host + "\"}"), meter + " missing from /metrics");
            }
            assertTrue(metrics.contains("tether_collector_events_dropped_total{host=\"" + host + "\",reason=\"spool-full\"}"),
                    "dropped counts by reason");
            assertTrue(metrics.contains("kafka_stream_"), "beside the streams app's own");
        } finally {
            // the probe ring outlives its collector on purpose (a restarted one reads it): this host id was the test's
            Files.deleteIfExists(ring);
            Files.deleteIfExists(ring.resolveSibling(ring.getFileName() + ".lock"));
        }
    }

    private static final String TOPIC = "tether-test.local-state";

    private static void produce(final String bootstrap, final String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "k", value)).get();
        }
    }

    private static List<String> consumeAll(final String bootstrap) {
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            // bounded: read until every partition reached its end offset, at most 100 polls
            for (int i = 0; i < 100 && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)); i++) {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
