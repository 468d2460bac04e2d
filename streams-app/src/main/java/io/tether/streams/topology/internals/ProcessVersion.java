package io.tether.streams.topology.internals;

/**
 * Value of the PID → program table: which process instance ({@code startTime}) holds the pid from the record's
 * timestamp on, and which program it runs. An exited instance is a tombstone in the versioned table.
 *
 * @param timeMicros event time of the exec (or of the fork that handed the program down), in microseconds
 */
public record ProcessVersion(long startTime, String program, int sourceMask, long timeMicros) {

    public static final BinaryCodec<ProcessVersion> SERDE = new BinaryCodec<>("process version",
        (out, v) -> {
            out.writeLong(v.startTime);
            out.writeUTF(v.program);
            out.writeInt(v.sourceMask);
            out.writeLong(v.timeMicros);
        },
        in -> new ProcessVersion(in.readLong(), in.readUTF(), in.readInt(), in.readLong()));
}
