package io.tether.streams.topology.internals;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An in-memory shortcut in front of the versioned PID table for the common lookup: an event of a running process
 * after its latest exec or fork. Per {@code hostId|pid} it holds the newest version put and when it stopped being
 * valid (its exit), so such a lookup needs no RocksDB read. It answers only when it is sure; everything else
 * (an event older than the newest version, a version put out of order, a key it has evicted) goes to the store,
 * which stays the source of truth. Bounded (least recently used evicted); rebuilt empty when the task starts.
 */
final class LatestProcessVersions {
    private record Entry(ProcessVersion version, long fromMillis, long untilMillis) {
    }

    private final Map<String, Entry> entries;

    LatestProcessVersions(final int capacity) {
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The version valid at {@code atMillis} for the instance started at {@code startTime}, or null if unsure. */
    ProcessVersion get(final String key, final long startTime, final long atMillis) {
        final Entry e = entries.get(key);
        if (e == null || e.version.startTime() != startTime || atMillis < e.fromMillis || atMillis >= e.untilMillis) {
            return null;
        }
        return e.version;
    }

    /** Whether a version put at {@code atMillis} is surely the pid's newest (false: unsure, ask the store). */
    boolean isNewest(final String key, final long atMillis) {
        final Entry e = entries.get(key);
        return e != null && atMillis >= e.fromMillis && e.untilMillis == Long.MAX_VALUE;
    }

    /** A version was put at {@code atMillis}: it is the newest only if nothing later was put before it. */
    void put(final String key, final ProcessVersion version, final long atMillis) {
        final Entry e = entries.get(key);
        if (e == null || atMillis >= e.fromMillis) {
            entries.put(key, new Entry(version, atMillis, Long.MAX_VALUE));
        } else {
            entries.remove(key);
        }
    }

    /** The pid's instance {@code startTime} exited: its versions end at {@code atMillis}. */
    void end(final String key, final long startTime, final long atMillis) {
        final Entry e = entries.get(key);
        if (e != null && e.version.startTime() == startTime && atMillis >= e.fromMillis) {
            entries.put(key, new Entry(e.version, e.fromMillis, Math.min(e.untilMillis, atMillis)));
        } else if (e != null) {
            entries.remove(key);
        }
    }

    void clear() {
        entries.clear();
    }
}
