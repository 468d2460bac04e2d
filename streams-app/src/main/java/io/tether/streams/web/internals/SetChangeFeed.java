package io.tether.streams.web.internals;

import io.tether.schemas.identity.ApId;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.web.MigrationSetLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Tells subscribers when the migration set of an AP changes, by polling the store through
 * {@link MigrationSetLookup} on one thread.
 *
 * <p>Why polling the store rather than consuming the output topic: the lookup answers on every instance (it
 * forwards to the owner), so whatever instance a browser reaches sees exactly what {@code GET
 * /api/v1/migration-set} returns; it survives rebalances without a consumer group of its own; and it costs work
 * only for APs someone is watching (one lookup per watched AP per interval, however many browsers watch it),
 * whereas a consumer on every instance would deserialise every changed set of the whole cluster. The price is up
 * to one interval of extra latency on the page.
 */
public final class SetChangeFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SetChangeFeed.class);

    /** What a subscriber learns: the state of the AP's set and a version that grows with every change. */
    public record Change(String ap, Status status, String componentId, String updated, long version,
                         String message) {
    }

    public enum Status { PRESENT, ABSENT, UNAVAILABLE }

    /** Closing a subscription stops its notifications; closing twice is harmless. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final MigrationSetLookup lookup;
    private final int maxSubscribers;
    private final ScheduledExecutorService executor;
    private final Map<ApId, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();

    public SetChangeFeed(final MigrationSetLookup lookup, final Duration interval, final int maxSubscribers) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.maxSubscribers = maxSubscribers;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "tether-web-set-feed");
            t.setDaemon(true);
            return t;
        });
        final long millis = Math.max(10, interval.toMillis());
        executor.scheduleWithFixedDelay(this::pollAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Subscribes to changes of {@code ap}'s set. The listener hears the current state first, then every change,
     * always on the feed's thread. A listener that throws is unsubscribed (its client went away).
     *
     * @return empty when the feed already serves its maximum number of subscribers
     */
    public Optional<Subscription> subscribe(final ApId ap, final Consumer<Change> listener) {
        if (subscribers.incrementAndGet() > maxSubscribers) {
            subscribers.decrementAndGet();
            return Optional.empty();
        }
        // compute() keeps adding a listener and dropping an empty watch atomic with respect to each other.
        final Subscriber subscriber = new Subscriber(listener);
        final Watch watch = watches.compute(ap, (key, existing) -> {
            final Watch w = existing == null ? new Watch(key) : existing;
            w.listeners.add(subscriber);
            return w;
        });
        executor.execute(() -> {
            if (watch.last == null) {
                poll(watch);
            } else {
                deliver(watch, subscriber, watch.last);
            }
        });
        return Optional.of(new Subscription() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    remove(watch, subscriber);
                }
            }
        });
    }

    /** Runs {@code task} on the feed's thread (used for keep-alive comments, so writes never interleave). */
    public void every(final Duration period, final Runnable task) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (final RuntimeException e) {
                LOG.debug("periodic task failed", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int subscriberCount() {
        return subscribers.get();
    }

    private void pollAll() {
        for (final Watch watch : watches.values()) {
            poll(watch);
        }
    }

    private void poll(final Watch watch) {
        final Change next;
        Optional<MigrationSetView> set = Optional.empty();
        String failure = null;
        try {
            set = lookup.find(watch.ap);
        } catch (final RuntimeException e) {
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.debug("lookup of {} failed; retrying next interval", watch.ap, e);
        }
        final Status status = failure != null ? Status.UNAVAILABLE : set.isPresent() ? Status.PRESENT : Status.ABSENT;
        final MigrationSetView current = set.orElse(null);
        if (watch.last != null && watch.last.status() == status
            && (status == Status.UNAVAILABLE || Objects.equals(watch.lastSet, current))) {
            return;
        }
        next = new Change(watch.ap.toString(), status,
            current == null ? "" : current.componentId(), current == null ? "" : current.updated(),
            watch.last == null ? 1 : watch.last.version() + 1, failure == null ? "" : failure);
        watch.last = next;
        if (status != Status.UNAVAILABLE) {
            watch.lastSet = current;
        }
        for (final Subscriber subscriber : List.copyOf(watch.listeners)) {
            deliver(watch, subscriber, next);
        }
    }

    /** Each subscriber hears each version once, whether a poll or its own first look got there first. */
    private void deliver(final Watch watch, final Subscriber subscriber, final Change change) {
        if (change.version() <= subscriber.delivered) {
            return;
        }
        subscriber.delivered = change.version();
        try {
            subscriber.listener.accept(change);
        } catch (final RuntimeException e) {
            LOG.debug("dropping a subscriber of {}: {}", watch.ap, e.toString());
            remove(watch, subscriber);
        }
    }

    private void remove(final Watch watch, final Subscriber listener) {
        // A watch nobody listens to stops costing lookups; a later subscriber creates a new one.
        watches.computeIfPresent(watch.ap, (ap, w) -> {
            if (w.listeners.remove(listener)) {
                subscribers.decrementAndGet();
            }
            return w.listeners.isEmpty() ? null : w;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        watches.clear();
    }

    /** One listener and the last version it heard; touched only on the feed thread. */
    private static final class Subscriber {
        private final Consumer<Change> listener;
        private long delivered;

        private Subscriber(final Consumer<Change> listener) {
            this.listener = listener;
        }
    }

    /** Per watched AP: its listeners and what they were last told. Touched only on the feed thread except the list. */
    private static final class Watch {
        private final ApId ap;
        private final List<Subscriber> listeners = new CopyOnWriteArrayList<>();
        private volatile Change last;
        private volatile MigrationSetView lastSet;

        private Watch(final ApId ap) {
            this.ap = ap;
        }
    }
}
