package io.tether.streams.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Test helper: waits for a condition that becomes true asynchronously (a rebalance, records flowing through Kafka),
 * bounded in time. It asserts that the state is reached, never how fast.
 */
public final class Eventually {

    private Eventually() {
    }

    public static void waitUntil(final String what, final Duration atMost, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting after " + atMost.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }
}
