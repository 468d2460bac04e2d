package io.tether.collector.publish;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The collector's counters. The hot path increments plain adders; Micrometer reads them only when scraped (so
 * publishing costs no meter lookups), and {@link #summary()} renders the periodic log line.
 *
 * <ul>
 *   <li>seen — events handed to the sink by the capture sources;</li>
 *   <li>coalesced — opens folded into an identical earlier open;</li>
 *   <li>spooled — events that could not go to Kafka right away and waited in the spool;</li>
 *   <li>sent — events Kafka acknowledged;</li>
 *   <li>dropped (by reason) — probe: records the probe could not hand over (full ring);
 *       spool-full: events refused because the spool reached its bound; rejected-by-kafka: records Kafka refuses
 *       for good (too large); malformed: events a capture source handed over that cannot be encoded;</li>
 *   <li>procscan unreadable — /proc entries the scanner skipped.</li>
 * </ul>
 */
public final class CollectorMetrics {
    final LongAdder seen = new LongAdder();
    final AtomicLong coalesced = new AtomicLong();
    final LongAdder spooled = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder droppedSpoolFull = new LongAdder();
    final LongAdder droppedRejected = new LongAdder();
    final LongAdder droppedMalformed = new LongAdder();
    final AtomicLong spoolBytes = new AtomicLong();
    final AtomicLong backlog = new AtomicLong();
    private volatile LongSupplier droppedByProbe = () -> 0;
    private volatile LongSupplier procUnreadable = () -> 0;
    private volatile LongSupplier probeFreedUnkept = () -> 0;

    public long seen() {
        return seen.sum();
    }

    public long coalesced() {
        return coalesced.get();
    }

    public long spooled() {
        return spooled.sum();
    }

    public long sent() {
        return sent.sum();
    }

    public long droppedSpoolFull() {
        return droppedSpoolFull.sum();
    }

    public long droppedByProbe() {
        return droppedByProbe.getAsLong();
    }

    /** Events dropped because they could not be encoded (a required field missing). */
    public long droppedMalformed() {
        return droppedMalformed.sum();
    }

    public long procUnreadable() {
        return procUnreadable.getAsLong();
    }

    /**
     * Probe records whose ring slot was freed before their event was spooled, because half the ring was read but not
     * kept: a collector killed hard before it spooled them lost them (see DurableEventSink).
     */
    public long probeFreedUnkept() {
        return probeFreedUnkept.getAsLong();
    }

    /** Events appended to the spool but not yet acknowledged by Kafka. */
    public long backlog() {
        return backlog.get();
    }

    /** Where the probe channel's drop count comes from (set once the channel is open). */
    public void droppedByProbe(final LongSupplier source) {
        this.droppedByProbe = source;
    }

    /** Where the probe channel's count of slots freed before their events were kept comes from. */
    public void probeFreedUnkept(final LongSupplier source) {
        this.probeFreedUnkept = source;
    }

    /** Where the /proc scanner's unreadable-entry count comes from. */
    public void procUnreadable(final LongSupplier source) {
        this.procUnreadable = source;
    }

    /**
     * Registers every counter with {@code registry} under {@code tether_collector_*} names, tagged by host. Meters
     * read this object (Micrometer holds it weakly: the owner of this object keeps it alive).
     */
    public void bindTo(final MeterRegistry registry, final String hostId) {
        counter(registry, "tether.collector.events.seen", "events handed over by the capture sources", hostId, CollectorMetrics::seen);
        counter(registry, "tether.collector.events.coalesced", "opens folded into an identical earlier open", hostId, CollectorMetrics::coalesced);
        counter(registry, "tether.collector.events.spooled", "events that waited in the local spool", hostId, CollectorMetrics::spooled);
        counter(registry, "tether.collector.events.sent", "events acknowledged by Kafka", hostId, CollectorMetrics::sent);
        counter(registry, "tether.collector.send.failures", "sends Kafka did not acknowledge (replayed from the spool)", hostId,
                m -> m.sendFailures.sum());
        dropped(registry, hostId, "probe", CollectorMetrics::droppedByProbe);
        dropped(registry, hostId, "spool-full", CollectorMetrics::droppedSpoolFull);
        dropped(registry, hostId, "rejected-by-kafka", m -> m.droppedRejected.sum());
        dropped(registry, hostId, "malformed", CollectorMetrics::droppedMalformed);
        counter(registry, "tether.collector.probe.freed.unkept", "probe records freed in the ring before their event"
                + " was spooled (half the ring read but not kept): a hard kill then loses them", hostId,
                CollectorMetrics::probeFreedUnkept);
        counter(registry, "tether.collector.procscan.unreadable", "/proc entries skipped as unreadable", hostId, CollectorMetrics::procUnreadable);
        Gauge.builder("tether.collector.spool.bytes", this, m -> m.spoolBytes.get()).description("bytes in the local spool")
                .tag("host", hostId).register(registry);
        Gauge.builder("tether.collector.spool.backlog", this, m -> m.backlog.get())
                .description("events spooled but not yet acknowledged by Kafka").tag("host", hostId).register(registry);
    }

    private void counter(final MeterRegistry registry, final String name, final String description, final String hostId,
                         final ToLongFunction<CollectorMetrics> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsLong(m)).description(description).tag("host", hostId)
                .register(registry);
    }

    private void dropped(final MeterRegistry registry, final String hostId, final String reason,
                         final ToLongFunction<CollectorMetrics> value) {
        FunctionCounter.builder("tether.collector.events.dropped", this, m -> value.applyAsLong(m))
                .description("events lost before publishing, by reason").tag("host", hostId).tag("reason", reason)
                .register(registry);
    }

    /** The periodic log line. */
    public String summary() {
        return "seen=" + seen() + " coalesced=" + coalesced() + " spooled=" + spooled() + " sent=" + sent()
                + " backlog=" + backlog() + " spoolBytes=" + spoolBytes.get() + " droppedByProbe=" + droppedByProbe()
                + " droppedSpoolFull=" + droppedSpoolFull() + " droppedRejected=" + droppedRejected.sum() + " procUnreadable=" + procUnreadable()
                + " sendFailures=" + sendFailures.sum() + " droppedMalformed=" + droppedMalformed()
                + " probeFreedUnkept=" + probeFreedUnkept();
    }
}
