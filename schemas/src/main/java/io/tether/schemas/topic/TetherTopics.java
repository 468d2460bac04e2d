package io.tether.schemas.topic;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerde;
import io.tether.schemas.serde.SchemaRegistryClient;
import io.tether.schemas.serde.SchemaRegistryClients;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every Tether topic as a {@link TopicDescriptor}: input events keyed by {@code hostId|pid} (String), the
 * migration sets keyed by component id (String), values in Avro through {@link AvroSerde}. All value serdes share
 * one schema registry client, created from the serde configs ({@code schema.registry.url}, {@code
 * auto.register.schemas} …) and closed by {@link #close()}.
 *
 * <p>Topic names ({@link TopicNames}) default to {@link io.tether.schemas.Topics}; each can be overridden with a
 * config {@code tether.topic.<short name>} (short names: exec, fork, exit, open, connect, accept, migration-sets,
 * dlq) or {@link Builder#name}. Components that need only the names use {@link TopicNames#fromConfigs}.
 */
public final class TetherTopics implements AutoCloseable {
    /** Prefix of the topic-name override configs, e.g. {@code tether.topic.exec=prod.exec}. */
    public static final String TOPIC_CONFIG_PREFIX = TopicNames.CONFIG_PREFIX;
    public static final String MIGRATION_SETS = TopicNames.MIGRATION_SETS;
    public static final String DLQ = TopicNames.DLQ;

    private final TopicNames names;
    private final SchemaRegistryClient client;
    private final Map<EventType, TopicDescriptor<String, ? extends SpecificRecord>> events = new EnumMap<>(EventType.class);
    private final TopicDescriptor<String, MigrationSet> migrationSets;
    private final String dlq;

    private TetherTopics(final Map<String, ?> serdeConfigs, final TopicNames names) {
        this.names = names;
        this.client = SchemaRegistryClients.create(serdeConfigs);
        for (final EventType type : EventType.values()) {
            events.put(type, descriptor(names.of(type), type.recordClass(), serdeConfigs));
        }
        this.migrationSets = descriptor(names.migrationSets(), MigrationSet.class, serdeConfigs);
        this.dlq = names.dlq();
    }

    /** Descriptors with serdes configured from {@code configs}; topic names from {@code tether.topic.*} keys or defaults. */
    public static TetherTopics create(final Map<String, ?> configs) {
        return builder().configs(configs).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The short name used in {@code tether.topic.<short>} for an event type: exec, fork, exit, open, connect, accept. */
    public static String shortName(final EventType type) {
        return TopicNames.shortName(type);
    }

    private <V extends SpecificRecord> TopicDescriptor<String, V> descriptor(final String name, final Class<V> type,
                                                                            final Map<String, ?> serdeConfigs) {
        final Serde<V> values = new AvroSerde<>(type, client);
        values.configure(serdeConfigs, false);
        return new TopicDescriptor<>(name, Serdes.String(), values, type);
    }

    public TopicDescriptor<String, ExecEvent> exec() {
        return forEvent(ExecEvent.class);
    }

    public TopicDescriptor<String, ForkEvent> fork() {
        return forEvent(ForkEvent.class);
    }

    public TopicDescriptor<String, ExitEvent> exit() {
        return forEvent(ExitEvent.class);
    }

    public TopicDescriptor<String, OpenEvent> open() {
        return forEvent(OpenEvent.class);
    }

    public TopicDescriptor<String, ConnectEvent> connect() {
        return forEvent(ConnectEvent.class);
    }

    public TopicDescriptor<String, AcceptEvent> accept() {
        return forEvent(AcceptEvent.class);
    }

    public TopicDescriptor<String, MigrationSet> migrationSets() {
        return migrationSets;
    }

    /** Name of the dead-letter topic (its record format belongs to whoever writes it). */
    public String dlq() {
        return dlq;
    }

    /** The descriptor of an event class, e.g. {@code forEvent(ExecEvent.class)}. */
    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> TopicDescriptor<String, V> forEvent(final Class<V> eventClass) {
        return (TopicDescriptor<String, V>) events.get(EventType.of(eventClass));
    }

    public TopicDescriptor<String, ? extends SpecificRecord> forEvent(final EventType type) {
        return events.get(type);
    }

    /** The topic an event is published to. */
    public String topicOf(final SpecificRecord event) {
        return events.get(EventType.of(event)).name();
    }

    /** The six input event topics, in {@link EventType} order. */
    public List<TopicDescriptor<String, ? extends SpecificRecord>> inputs() {
        return List.copyOf(events.values());
    }

    /** Every topic name: inputs, migration sets, dead letters. */
    public List<String> allNames() {
        return names.all();
    }

    public TopicNames names() {
        return names;
    }

    @Override
    public void close() {
        events.values().forEach(d -> d.valueSerde().close());
        migrationSets.valueSerde().close();
        client.close();
    }

    /** Serde configs and topic-name overrides. */
    public static final class Builder {
        private final Map<String, Object> configs = new HashMap<>();
        private TopicNames names = TopicNames.defaults();

        private Builder() {
        }

        /** Serde configs; {@code tether.topic.<short>} entries among them rename topics. */
        public Builder configs(final Map<String, ?> serdeConfigs) {
            for (final Map.Entry<String, ?> e : serdeConfigs.entrySet()) {
                if (e.getKey().startsWith(TOPIC_CONFIG_PREFIX)) {
                    name(e.getKey().substring(TOPIC_CONFIG_PREFIX.length()), String.valueOf(e.getValue()));
                } else {
                    configs.put(e.getKey(), e.getValue());
                }
            }
            return this;
        }

        public Builder config(final String key, final Object value) {
            return configs(Map.of(key, value));
        }

        /** Renames the topic with the given short name (exec … accept, migration-sets, dlq). */
        public Builder name(final String shortName, final String topic) {
            names = names.with(shortName, topic);
            return this;
        }

        public Builder name(final EventType type, final String topic) {
            return name(shortName(type), topic);
        }

        public Builder names(final TopicNames topicNames) {
            names = topicNames;
            return this;
        }

        public TetherTopics build() {
            return new TetherTopics(Map.copyOf(configs), names);
        }
    }
}
