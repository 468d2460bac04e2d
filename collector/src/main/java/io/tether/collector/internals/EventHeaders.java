package io.tether.collector.internals;

import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.EventHeader;

/**
 * The header of an event as a capture source (probe decoder, /proc scanner, strace translator) knows it: who, when
 * and how it was seen. The sequence and the collector run are left empty for the publisher, which assigns them as
 * it accepts the event ({@code EncodeStage}), so that they follow the order of publication whatever the source.
 */
public final class EventHeaders {
    private EventHeaders() {
    }

    /**
     * @param startTime  the process instance's start, µs since the epoch
     * @param timeMicros when the call happened, µs since the epoch
     * @param netns      the network namespace's inode, or null when not known
     */
    public static EventHeader captured(final CaptureSource source, final String hostId, final int pid, final int ppid,
                                       final int uid, final long startTime, final long timeMicros, final Long netns) {
        return EventHeader.newBuilder()
            .setHostId(hostId)
            .setPid(pid)
            .setPpid(ppid)
            .setUid(uid)
            .setStartTime(startTime)
            .setTimeMicros(timeMicros)
            .setSource(source)
            .setSequence(0L)
            .setCollectorRun("")
            .setNetns(netns)
            .build();
    }
}
