package io.tether.schemas.topic;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Admin questions about a topic just created. Under KRaft a creation is acknowledged once the controller has
 * committed it; the broker that answers the next request may not have applied it yet and call the topic unknown
 * for a moment. Used by the app's topic set-up and by the test kit.
 */
public final class TopicQueries {

    /** A question to the brokers about topics. */
    @FunctionalInterface
    public interface TopicQuery<T> {
        T ask() throws ExecutionException, TimeoutException, InterruptedException;
    }

    private TopicQueries() {
    }

    /** Asks, and asks again every 100 ms while the topic is unknown, for at most {@code patience}. */
    public static <T> T onceKnown(final TopicQuery<T> query, final Duration patience)
            throws ExecutionException, TimeoutException, InterruptedException {
        final long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return query.ask();
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
