package io.tether.collector.publish;

import java.util.function.LongConsumer;

/**
 * An {@link EventSink} that says when the probe records behind the events it accepted are kept: written to its
 * spool (so a collector killed from then on still sends them), folded into a kept event, or dropped for good and
 * counted. Until then the probe channel keeps each record's slot in the ring, so a collector killed hard (SIGKILL,
 * the OOM killer) loses nothing it had taken from the ring: the next one reads those records again.
 * Records are named by their {@code probeSequence} (the header field the probe channel sets).
 */
public interface DurableEventSink extends EventSink {
    /**
     * Registers the one listener told the {@code probeSequence} of every kept probe record, in no particular order,
     * from the sink's own thread; it must be quick and must not call back into the sink.
     */
    void onKept(LongConsumer probeSequences);
}
