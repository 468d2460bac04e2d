package io.tether.streams.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Test helper: waits for a condition that becomes true asynchronously (a rebalance, records flowing through Kafka),
 * bounded in time. It asserts that the state is reached, never how fast.
 */
public final class Eventually {

    private Eventually() {
    }

    public static void waitUntil(final String what, final Duration atMost, final BooleanSupplier condition) {
        waitUntil(() -> what, atMost, condition);
    }

    /** As above, with a description computed when giving up (e.g. to show the last state seen). */
    public static void waitUntil(final Supplier<String> what, final Duration atMost, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting after " + atMost.toSeconds() + " s: " + what.get());
            }
            try {
                Thread.sleep(200);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what.get(), e);
            }
        }
    }
}
