package io.tether.schemas.topic;

import io.tether.schemas.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The names of Tether's topics: the defaults of {@link Topics}, each overridable by a config
 * {@code tether.topic.<short name>} (exec, fork, exit, open, connect, accept, migration-sets, dlq). For
 * components that need the names without the serdes of {@link TetherTopics} (which uses these). Immutable.
 */
public final class TopicNames {
    /** Prefix of the topic-name override configs, e.g. {@code tether.topic.exec=prod.exec}. */
    public static final String CONFIG_PREFIX = "tether.topic.";
    public static final String MIGRATION_SETS = "migration-sets";
    public static final String DLQ = "dlq";

    private static final TopicNames DEFAULTS = new TopicNames(defaultNames());

    /** Short name → topic, in the order of {@link #all()}. */
    private final Map<String, String> names;

    private TopicNames(final Map<String, String> names) {
        this.names = names;
    }

    private static Map<String, String> defaultNames() {
        final Map<String, String> names = new LinkedHashMap<>();
        for (final EventType type : EventType.values()) {
            names.put(shortName(type), type.defaultTopic());
        }
        names.put(MIGRATION_SETS, Topics.MIGRATION_SETS);
        names.put(DLQ, Topics.DLQ);
        return names;
    }

    public static TopicNames defaults() {
        return DEFAULTS;
    }

    /** The defaults with every {@code tether.topic.*} entry of {@code configs} applied; other entries are ignored. */
    public static TopicNames fromConfigs(final Map<String, ?> configs) {
        TopicNames result = DEFAULTS;
        for (final Map.Entry<String, ?> e : configs.entrySet()) {
            if (e.getKey().startsWith(CONFIG_PREFIX)) {
                result = result.with(e.getKey().substring(CONFIG_PREFIX.length()), String.valueOf(e.getValue()));
            }
        }
        return result;
    }

    /** The short name used in {@code tether.topic.<short>} for an event type: exec, fork, exit, open, connect, accept. */
    public static String shortName(final EventType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** These names with the topic of {@code shortName} replaced; a ConfigException names a bad key or topic. */
    public TopicNames with(final String shortName, final String topic) {
        if (!names.containsKey(shortName)) {
            throw new ConfigException(CONFIG_PREFIX + shortName, topic, "unknown topic; known: "
                    + names.keySet().stream().sorted().toList());
        }
        try {
            TopicDescriptor.requireTopicName(topic);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(CONFIG_PREFIX + shortName, topic, e.getMessage());
        }
        final Map<String, String> copy = new LinkedHashMap<>(names);
        copy.put(shortName, topic);
        return new TopicNames(copy);
    }

    public TopicNames with(final EventType type, final String topic) {
        return with(shortName(type), topic);
    }

    public String of(final EventType type) {
        return names.get(shortName(type));
    }

    public String migrationSets() {
        return names.get(MIGRATION_SETS);
    }

    public String dlq() {
        return names.get(DLQ);
    }

    /** Every topic: the six inputs in {@link EventType} order, migration sets, dead letters. */
    public List<String> all() {
        return new ArrayList<>(names.values());
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof TopicNames && names.equals(((TopicNames) o).names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
