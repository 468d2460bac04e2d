package io.tether.schemas.serde;

/** Confluent's default (TopicNameStrategy) subject names: {@code <topic>-value} and {@code <topic>-key}. */
public final class Subjects {
    private Subjects() {
    }

    public static String forTopic(final String topic, final boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
