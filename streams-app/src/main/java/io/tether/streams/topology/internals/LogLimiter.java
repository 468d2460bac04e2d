package io.tether.streams.topology.internals;

import java.time.Duration;

/**
 * Lets a repeated warning through at most once per interval (the first at once) and counts the ones it held back,
 * so a flood of bad input cannot flood the log while the log still says how much there was. One per processor.
 */
final class LogLimiter {
    private final long intervalMillis;
    private boolean any;
    private long lastMillis;
    private long held;

    LogLimiter(final Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    /** Whether to log at {@code nowMillis}; if not, the message counts as held back. */
    boolean allow(final long nowMillis) {
        if (!any || nowMillis - lastMillis >= intervalMillis) {
            any = true;
            lastMillis = nowMillis;
            return true;
        }
        held++;
        return false;
    }

    /** How many messages were held back since the last one let through; counting starts again. */
    long takeHeld() {
        final long n = held;
        held = 0;
        return n;
    }
}
