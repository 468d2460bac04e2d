package io.tether.collector.probe.internals;

/**
 * What a probe may leave to the collector about its process (see "Deferred identity" in {@code tether_ring.h}): the
 * start time, in clock ticks since boot, and the executable. {@code exe} is null where only the start time is known
 * (records after the EXEC, which need no exe).
 */
public record ProcessIdentity(long startTicks, String exe) {
}
