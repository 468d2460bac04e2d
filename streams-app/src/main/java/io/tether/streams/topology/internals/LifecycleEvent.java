package io.tether.streams.topology.internals;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;

/**
 * exec, fork and exit folded into one record type, so that one processor sees a host's process life cycle in
 * order. {@code program} is set for EXEC; {@code parentPid}/{@code parentStartTime} for FORK.
 */
public record LifecycleEvent(Kind kind, String hostId, int pid, long startTime, long timeMicros, int sourceMask,
                             String program, int parentPid, long parentStartTime) {

    /** Which call the event stands for. */
    public enum Kind { EXEC, FORK, EXIT }

    public static final BinaryCodec<LifecycleEvent> SERDE = new BinaryCodec<>("lifecycle event",
        (out, e) -> {
            out.writeByte(e.kind.ordinal());
            out.writeUTF(e.hostId);
            out.writeInt(e.pid);
            out.writeLong(e.startTime);
            out.writeLong(e.timeMicros);
            out.writeInt(e.sourceMask);
            BinaryCodec.writeNullable(out, e.program);
            out.writeInt(e.parentPid);
            out.writeLong(e.parentStartTime);
        },
        in -> new LifecycleEvent(Kind.values()[in.readByte()], in.readUTF(), in.readInt(), in.readLong(),
            in.readLong(), in.readInt(), BinaryCodec.readNullable(in), in.readInt(), in.readLong()));

    public static LifecycleEvent of(final ExecEvent e) {
        final EventHeader h = e.getHeader();
        return new LifecycleEvent(Kind.EXEC, h.getHostId(), h.getPid(), h.getStartTime(), h.getTimeMicros(),
            Sources.mask(h.getSource()), e.getProgram(), 0, 0L);
    }

    public static LifecycleEvent of(final ForkEvent e) {
        final EventHeader h = e.getHeader();
        return new LifecycleEvent(Kind.FORK, h.getHostId(), h.getPid(), h.getStartTime(), h.getTimeMicros(),
            Sources.mask(h.getSource()), null, e.getParentPid(), e.getParentStartTime());
    }

    public static LifecycleEvent of(final ExitEvent e) {
        final EventHeader h = e.getHeader();
        return new LifecycleEvent(Kind.EXIT, h.getHostId(), h.getPid(), h.getStartTime(), h.getTimeMicros(),
            Sources.mask(h.getSource()), null, 0, 0L);
    }
}
