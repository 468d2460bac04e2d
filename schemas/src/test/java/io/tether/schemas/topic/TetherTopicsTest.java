package io.tether.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.Topics;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.schemas.serde.MockSchemaRegistryClient;
import io.tether.schemas.serde.SampleRecords;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TetherTopicsTest {
    private final String scope = "topics-test-" + UUID.randomUUID();
    private final Map<String, Object> configs = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);

    @AfterEach
    void dropScope() {
        MockSchemaRegistryClient.dropScope(scope);
    }

    @Test
    void defaultNamesComeFromTopics() {
        try (TetherTopics topics = TetherTopics.create(configs)) {
            assertEquals(List.of(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT,
                    Topics.MIGRATION_SETS, Topics.DLQ), topics.allNames());
            assertEquals(Topics.EXEC, topics.exec().name());
            assertEquals(ExecEvent.class, topics.exec().valueType());
            assertEquals(MigrationSet.class, topics.migrationSets().valueType());
            assertSame(topics.open(), topics.forEvent(OpenEvent.class));
            assertSame(topics.open(), topics.forEvent(EventType.OPEN));
        }
    }

    @Test
    void everyEventRoundTripsThroughItsTopicsSerdesAndGoesToItsTopic() {
        try (TetherTopics topics = TetherTopics.create(configs)) {
            for (final SpecificRecord event : SampleRecords.all()) {
                if (event instanceof MigrationSet) {
                    continue;
                }
                final TopicDescriptor<String, SpecificRecord> topic = descriptor(topics, event);
                assertEquals(EventType.of(event).defaultTopic(), topic.name());
                assertEquals(topic.name(), topics.topicOf(event));
                final String key = EventType.keyOf(event);
                final byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
                final byte[] valueBytes = topic.valueSerde().serializer().serialize(topic.name(), event);
                assertEquals(key, topic.keySerde().deserializer().deserialize(topic.name(), keyBytes));
                assertEquals(event, topic.valueSerde().deserializer().deserialize(topic.name(), valueBytes));
            }
            final MigrationSet set = SampleRecords.migrationSet();
            final TopicDescriptor<String, MigrationSet> out = topics.migrationSets();
            assertEquals(set, out.valueSerde().deserializer().deserialize(out.name(),
                    out.valueSerde().serializer().serialize(out.name(), set)));
        }
        // every topic's schema went under its own <topic>-value subject
        final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);
        for (final EventType type : EventType.values()) {
            assertEquals(type.recordClass().getName(),
                    registry.latest(type.defaultTopic() + "-value").schema().getFullName());
        }
        assertEquals(MigrationSet.class.getName(), registry.latest(Topics.MIGRATION_SETS + "-value").schema().getFullName());
    }

    @SuppressWarnings("unchecked")
    private static TopicDescriptor<String, SpecificRecord> descriptor(final TetherTopics topics, final SpecificRecord event) {
        return (TopicDescriptor<String, SpecificRecord>) topics.forEvent(EventType.of(event));
    }

    @Test
    void namesAreOverriddenByConfigOrBuilder() {
        final Map<String, Object> renamed = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope,
                "tether.topic.exec", "prod.exec", "tether.topic.migration-sets", "prod.sets");
        try (TetherTopics topics = TetherTopics.builder().configs(renamed).name(EventType.ACCEPT, "prod.accept")
                .name(TetherTopics.DLQ, "prod.dlq").build()) {
            assertEquals("prod.exec", topics.exec().name());
            assertEquals("prod.accept", topics.accept().name());
            assertEquals("prod.sets", topics.migrationSets().name());
            assertEquals("prod.dlq", topics.dlq());
            assertEquals(Topics.FORK, topics.fork().name());
            topics.exec().valueSerde().serializer().serialize("prod.exec", SampleRecords.exec());
            assertEquals(1, MockSchemaRegistryClient.forScope(scope).versions("prod.exec-value").size());
        }
    }

    @Test
    void badNamesAndUnknownTopicsAreClearConfigErrors() {
        final ConfigException unknown = assertThrows(ConfigException.class,
                () -> TetherTopics.builder().config("tether.topic.execs", "x"));
        assertTrue(unknown.getMessage().contains("tether.topic.execs") && unknown.getMessage().contains("known: [accept"),
                unknown.getMessage());
        final ConfigException illegal = assertThrows(ConfigException.class,
                () -> TetherTopics.builder().name(EventType.EXEC, "my exec"));
        assertTrue(illegal.getMessage().contains("'my exec' contains ' '"), illegal.getMessage());
        final ConfigException noRegistry = assertThrows(ConfigException.class, () -> TetherTopics.create(Map.of()));
        assertTrue(noRegistry.getMessage().contains("schema.registry.url"), noRegistry.getMessage());
    }

    @Test
    void eventTypeGivesHeaderKeyAndTimestampOfAnyEvent() {
        for (final SpecificRecord event : SampleRecords.all()) {
            if (event instanceof MigrationSet) {
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventType.of(event));
                assertTrue(e.getMessage().contains("MigrationSet is not a Tether event type"), e.getMessage());
                continue;
            }
            final EventHeader header = (EventHeader) event.get(event.getSchema().getField("header").pos());
            assertSame(header, EventType.headerOf(event));
            assertEquals(header.getHostId() + "|" + header.getPid(), EventType.keyOf(event));
            assertEquals(header.getTimeMicros() / 1000, EventType.timestampMsOf(event));
            assertSame(event.getClass(), EventType.of(event).recordClass());
        }
    }

    @Test
    void namesAloneComeWithoutSerdesOrRegistry() {
        final TopicNames names = TopicNames.fromConfigs(Map.of("tether.topic.open", "prod.open", "bootstrap.servers", "x:1"));
        assertEquals("prod.open", names.of(EventType.OPEN));
        assertEquals(Topics.EXEC, names.of(EventType.EXEC));
        assertEquals(TopicNames.defaults().with(EventType.OPEN, "prod.open"), names);
        assertEquals(Topics.OPEN, TopicNames.defaults().of(EventType.OPEN), "defaults are not changed by with()");
        try (TetherTopics topics = TetherTopics.builder().configs(configs).names(names).build()) {
            assertEquals("prod.open", topics.open().name());
            assertEquals(names, topics.names());
        }
    }
}
