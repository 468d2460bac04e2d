package io.tether.streams.app;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The scheduler of Micrometer's Kafka Streams binder, which looks for new Kafka metrics at the rate it is given and,
 * whenever it finds the set of metrics changed, re-binds all of them (a few thousand, each name rewritten by regular
 * expressions). Kafka Streams adds metrics as tasks start and a busy app's clients keep adding and dropping some, so
 * at a short rate that full re-bind ran over and over: its thread used about 4 % as much CPU as all the app's stream
 * and client threads together in the e2e bench (bench/reports/streams-e2e.md, session 5).
 *
 * <p>This scheduler runs the binder's periodic job at the short rate only while the app has just changed state (for
 * {@code busyFor} after each {@link #stateChanged()}: when tasks and their sensors appear) and at {@code idleRate}
 * otherwise, so new metrics still show on {@code /metrics} within seconds of a start or rebalance.
 */
final class MetricsRefreshScheduler extends ScheduledThreadPoolExecutor {
    private final long busyForNanos;
    private final long idleRateNanos;
    private final LongSupplier nanoClock;
    private volatile long busyUntil;
    private long lastRun;

    MetricsRefreshScheduler(final String threadName, final Duration busyFor, final Duration idleRate) {
        this(threadName, busyFor, idleRate, System::nanoTime);
    }

    MetricsRefreshScheduler(final String threadName, final Duration busyFor, final Duration idleRate,
                            final LongSupplier nanoClock) {
        super(1, runnable -> {
            final Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        this.busyForNanos = busyFor.toNanos();
        this.idleRateNanos = idleRate.toNanos();
        this.nanoClock = nanoClock;
        this.lastRun = nanoClock.getAsLong();
        stateChanged();
    }

    /** The app changed state: metrics may come and go for a while, look for them at the short rate. */
    void stateChanged() {
        busyUntil = nanoClock.getAsLong() + busyForNanos;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(final Runnable command, final long initialDelay, final long period,
                                                  final TimeUnit unit) {
        return super.scheduleAtFixedRate(() -> {
            if (due()) {
                command.run();
            }
        }, initialDelay, period, unit);
    }

    /** Called on the scheduler's one thread only. */
    boolean due() {
        final long now = nanoClock.getAsLong();
        if (now - busyUntil < 0 || now - lastRun >= idleRateNanos) {
            lastRun = now;
            return true;
        }
        return false;
    }
}
