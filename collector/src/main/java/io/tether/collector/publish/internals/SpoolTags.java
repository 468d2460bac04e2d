package io.tether.collector.publish.internals;

import io.tether.schemas.topic.EventType;

/**
 * The byte that marks each event type in spool files. Spool files outlive a collector run (a restarted collector
 * resends them), so these numbers are a persisted format: never renumber them, only add.
 */
public final class SpoolTags {
    private static final EventType[] BY_TAG = new EventType[8];

    static {
        BY_TAG[1] = EventType.EXEC;
        BY_TAG[2] = EventType.FORK;
        BY_TAG[3] = EventType.EXIT;
        BY_TAG[4] = EventType.OPEN;
        BY_TAG[5] = EventType.CONNECT;
        BY_TAG[6] = EventType.ACCEPT;
    }

    private SpoolTags() {
    }

    public static byte tagOf(final EventType type) {
        for (byte tag = 1; tag < BY_TAG.length; tag++) {
            if (BY_TAG[tag] == type) {
                return tag;
            }
        }
        throw new IllegalArgumentException("no spool tag for " + type);
    }

    public static EventType typeOf(final byte tag) {
        final EventType type = tag > 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
        if (type == null) {
            throw new IllegalArgumentException("unknown spool record type " + tag);
        }
        return type;
    }
}
