package io.tether.streams.topology.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

    @Test
    void theFirstMessageGoesAtOnceThenOnePerIntervalCountingTheRest() {
        final LogLimiter limiter = new LogLimiter(Duration.ofMinutes(1));
        final long now = System.currentTimeMillis();
        assertTrue(limiter.allow(now), "the first, whatever the clock says");
        assertEquals(0, limiter.takeHeld());
        assertFalse(limiter.allow(now + 1_000));
        assertFalse(limiter.allow(now + 59_999));
        assertTrue(limiter.allow(now + 60_000));
        assertEquals(2, limiter.takeHeld());
        assertEquals(0, limiter.takeHeld(), "counting starts again");
    }
}
