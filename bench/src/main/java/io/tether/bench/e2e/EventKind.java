package io.tether.bench.e2e;

import io.tether.schemas.Topics;

/** The six input topics, by the default name each is derived from. */
enum EventKind {
    EXEC(Topics.EXEC), FORK(Topics.FORK), EXIT(Topics.EXIT), OPEN(Topics.OPEN), CONNECT(Topics.CONNECT),
    ACCEPT(Topics.ACCEPT);

    private final String defaultTopic;

    EventKind(final String defaultTopic) {
        this.defaultTopic = defaultTopic;
    }

    /** The topic of this kind under {@code prefix} (e.g. {@code tp.tether.open}). */
    String topic(final String prefix) {
        return prefix + defaultTopic;
    }
}
