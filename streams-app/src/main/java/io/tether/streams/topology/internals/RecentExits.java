package io.tether.streams.topology.internals;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The exits of the last grace period, by process instance, so that an exec processed after its own instance's exit
 * (a short command that execs and exits within one millisecond: the host task takes records of the same millisecond
 * from the exec and exit topics in no fixed order) still ends the program it started. In memory and rebuilt empty
 * when the task starts: what it misses after a fail-over is a live pid listed until its evidence retires.
 */
final class RecentExits {
    private record Exit(String instance, long micros) {
    }

    private final ArrayDeque<Exit> order = new ArrayDeque<>();
    private final Map<String, Long> byInstance = new HashMap<>();
    private final long keepMillis;
    private final int capacity;

    RecentExits(final long keepMillis, final int capacity) {
        this.keepMillis = keepMillis;
        this.capacity = capacity;
    }

    void add(final String instance, final long exitMicros, final long nowMillis) {
        forgetBefore(nowMillis - keepMillis);
        if (order.size() >= capacity) {
            forget(order.pollFirst());
        }
        byInstance.put(instance, exitMicros);
        order.addLast(new Exit(instance, exitMicros));
    }

    /** When the instance exited, if within the last grace period; else null. */
    Long exitOf(final String instance) {
        return byInstance.get(instance);
    }

    void clear() {
        order.clear();
        byInstance.clear();
    }

    private void forgetBefore(final long millis) {
        while (!order.isEmpty() && order.peekFirst().micros() / 1000L < millis) {
            forget(order.pollFirst());
        }
    }

    private void forget(final Exit e) {
        byInstance.remove(e.instance(), e.micros());
    }
}
