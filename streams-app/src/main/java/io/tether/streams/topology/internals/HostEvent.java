package io.tether.streams.topology.internals;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.topic.EventType;
import org.apache.avro.specific.SpecificRecord;

/**
 * Any captured event in the task that owns its host (the input partition of its host, see
 * {@link io.tether.schemas.topic.HostPartitioner}): exec, fork and exit build that host's PID table, and open,
 * connect and accept are attributed against it in the same task. Keeping both in one task is what makes
 * attribution keep up with a backlog: the table can never lag behind the events it explains by more than the
 * order in which one partition delivers them.
 *
 * @param sourcePartition the input partition the event was read from (-1 if unknown): the events of one process
 *                        share it, so its progress tells how long to wait for a late exec (see
 *                        {@link HostProcessesProcessor})
 */
public record HostEvent(EventType type, SpecificRecord event, int sourcePartition) {

    public EventHeader header() {
        return type.header(event);
    }

    public long timeMillis() {
        return Math.floorDiv(header().getTimeMicros(), 1000L);
    }
}
