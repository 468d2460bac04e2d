package io.tether.streams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsRefreshSchedulerTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void refreshesAtEveryTickWhileBusyThenOncePerIdleRateUntilTheNextStateChange() {
        final AtomicLong clock = new AtomicLong(1_000 * SECOND);
        final MetricsRefreshScheduler scheduler = new MetricsRefreshScheduler("test-metrics-refresh",
            Duration.ofSeconds(60), Duration.ofMinutes(1), clock::get);
        try {
            // the first minute after start: every 5 s tick refreshes
            int runs = 0;
            for (int tick = 1; tick <= 11; tick++) {
                clock.addAndGet(5 * SECOND);
                runs += scheduler.due() ? 1 : 0;
            }
            assertEquals(11, runs);
            // then one tick in twelve
            runs = 0;
            for (int tick = 1; tick <= 36; tick++) {
                clock.addAndGet(5 * SECOND);
                runs += scheduler.due() ? 1 : 0;
            }
            assertEquals(3, runs);
            // a state change (a rebalance): every tick again
            scheduler.stateChanged();
            clock.addAndGet(5 * SECOND);
            assertTrue(scheduler.due());
            clock.addAndGet(5 * SECOND);
            assertTrue(scheduler.due());
            clock.addAndGet(61 * SECOND);
            assertTrue(scheduler.due(), "a minute since the last refresh");
            clock.addAndGet(5 * SECOND);
            assertFalse(scheduler.due());
        } finally {
            scheduler.shutdownNow();
        }
    }
}
