package io.tether.streams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.streams.topology.TopologyOptions;
import io.tether.testkit.KafkaBrokerExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topics the app sets up on a real broker: the inputs must share one partition count (a host's events share one
 * partition number in all six), and the set table's topic keeps its history for the window.
 */
class InputTopicsTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    @TempDir
    Path stateDir;

    private TetherConfig config(final String prefix) {
        final Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", KAFKA.bootstrapServers());
        settings.put("schema.registry.url", "mock://input-topics");
        settings.put("application.id", prefix + "app");
        settings.put("state.dir", stateDir.toString());
        settings.put("http.host", "127.0.0.1");
        settings.put("http.port", "0");
        for (final String type : List.of("exec", "fork", "exit", "open", "connect", "accept")) {
            settings.put(type + ".topic", prefix + type);
        }
        settings.put(TetherConfig.MIGRATION_SETS_TOPIC_CONFIG, prefix + "sets");
        settings.put(TetherConfig.AP_INDEX_TOPIC_CONFIG, prefix + "index");
        return TetherConfig.load(null, Map.of(), settings);
    }

    @Test
    void inputsWithDifferentPartitionCountsAreRefusedWithTheCounts() throws Exception {
        final String prefix = "mixed-" + UUID.randomUUID() + ".";
        KAFKA.admin().createTopics(List.of(new NewTopic(prefix + "exec", 2, (short) 1),
            new NewTopic(prefix + "open", 3, (short) 1))).all().get();
        final TetherConfig config = config(prefix);
        final TopicSetupException e = assertThrows(TopicSetupException.class,
            () -> TopicSetup.ensure(config.streamsProperties(0), TetherStreamsApp.requiredTopics(config.topologyOptions())));
        assertTrue(e.getMessage().startsWith("the input topics must all have the same number of partitions"), e.getMessage());
        assertTrue(e.getMessage().contains(prefix + "exec=2") && e.getMessage().contains(prefix + "open=3"), e.getMessage());
    }

    @Test
    void aSetsTopicOfAnEarlierReleaseGetsTheLargerRecordLimit() throws Exception {
        final String prefix = "old-" + UUID.randomUUID() + ".";
        KAFKA.admin().createTopics(List.of(new NewTopic(prefix + "sets", 1, (short) 1))).all().get();
        assertTrue(maxMessageBytes(prefix + "sets") < 2 * 1024 * 1024, "created with the broker's default");
        final TetherConfig config = config(prefix);
        final Properties props = config.streamsProperties(0);
        final TopicSetup.TopicFacts facts = TopicSetup.ensure(props, TetherStreamsApp.requiredTopics(config.topologyOptions()));
        assertEquals(RequiredTopic.MAX_TABLE_RECORD_BYTES, facts.maxRecordBytes());
        assertEquals(RequiredTopic.MAX_TABLE_RECORD_BYTES, maxMessageBytes(prefix + "sets"), "raised on the broker");
    }

    @Test
    void theSetsMustFitWhatTheTopicOrTheProducerTakesWhicheverIsSmaller() {
        final Properties props = config("limits-" + UUID.randomUUID() + ".").streamsProperties(0);
        assertEquals(1_000_000 - 64 * 1024, TetherStreamsApp.maxSetBytes(props, new TopicSetup.TopicFacts(1, 1_000_000)),
            "a topic that kept a smaller limit");
        props.put("producer.max.request.size", "2000000");
        assertEquals(2_000_000 - 64 * 1024, TetherStreamsApp.maxSetBytes(props,
            new TopicSetup.TopicFacts(1, RequiredTopic.MAX_TABLE_RECORD_BYTES)), "a producer set lower by the user");
    }

    private static int maxMessageBytes(final String topic) {
        return Integer.parseInt(KAFKA.topicConfig(topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
    }

    @Test
    void missingTopicsAreCreatedAndTheSharedCountIsReturned() throws Exception {
        final String prefix = "fresh-" + UUID.randomUUID() + ".";
        final TetherConfig config = config(prefix);
        final TopologyOptions options = config.topologyOptions();
        final Properties props = config.streamsProperties(0);
        final TopicSetup.TopicFacts facts = TopicSetup.ensure(props, TetherStreamsApp.requiredTopics(options));
        assertEquals(1, facts.inputPartitions());
        assertEquals(RequiredTopic.MAX_TABLE_RECORD_BYTES, facts.maxRecordBytes(), "sets grow: the topic takes 16 MiB");
        assertEquals(RequiredTopic.MAX_TABLE_RECORD_BYTES - 64 * 1024, TetherStreamsApp.maxSetBytes(props, facts),
            "the producer takes as much, less room for the record's framing");
        final String lag = KAFKA.topicConfig(prefix + "sets", TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        assertEquals(Long.toString(options.evidenceWindow().toMillis()), lag,
            "the set table restores from its topic: compaction keeps the window's versions");
    }
}
