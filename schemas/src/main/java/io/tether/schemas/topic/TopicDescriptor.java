package io.tether.schemas.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic's name together with the serdes of its keys and values, so producers, consumers and the streams app
 * cannot disagree about how a topic is written. Serdes are configured; the owner ({@link TetherTopics}) closes them.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class TopicDescriptor<K, V> {
    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final Class<V> valueType;

    public TopicDescriptor(final String name, final Serde<K> keySerde, final Serde<V> valueSerde, final Class<V> valueType) {
        this.name = requireTopicName(name);
        this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
        this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
        this.valueType = Objects.requireNonNull(valueType, "valueType");
    }

    public String name() {
        return name;
    }

    public Serde<K> keySerde() {
        return keySerde;
    }

    public Serde<V> valueSerde() {
        return valueSerde;
    }

    public Class<V> valueType() {
        return valueType;
    }

    @Override
    public String toString() {
        return name + " <" + valueType.getSimpleName() + ">";
    }

    /** Kafka's topic name rules (legal characters, length), with a message that says which name is wrong. */
    static String requireTopicName(final String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("topic name must not be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("topic name cannot be '.' or '..'");
        }
        if (name.length() > 249) {
            throw new IllegalArgumentException("topic name '" + name + "' is longer than 249 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                throw new IllegalArgumentException("topic name '" + name + "' contains '" + c
                        + "'; only ASCII letters, digits, '.', '_' and '-' are allowed");
            }
        }
        return name;
    }
}
