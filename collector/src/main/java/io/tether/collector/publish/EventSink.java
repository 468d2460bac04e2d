package io.tether.collector.publish;

import org.apache.avro.specific.SpecificRecord;

/**
 * Where capture sources (the probe channel reader, the /proc scanner, strace mode) hand their events.
 * An event is one of the generated io.tether.schemas.event records with its header filled in, except
 * {@code sequence} and {@code collectorRun}, which the sink assigns. The sink decides topic (from the record type),
 * key ({@code hostId|pid}) and record timestamp ({@code header.timeMicros / 1000}).
 * Implementations must be thread-safe and must not block the caller for long (they buffer or spool).
 */
public interface EventSink {
    void accept(SpecificRecord event);
}
