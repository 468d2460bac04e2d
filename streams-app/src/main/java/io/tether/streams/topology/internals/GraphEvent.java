package io.tether.streams.topology.internals;

import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Direction;

/**
 * One piece of coupling evidence on its way to the coupling graph, already attributed to APs. It is also the form in
 * which the graph persists each live evidence item (with {@code timeMicros} = last seen, {@code count} = total).
 *
 * <ul>
 *   <li>PROCESS: the AP ({@code host}, {@code program}) ran as {@code pid}.</li>
 *   <li>FILE: the AP opened {@code path} on its host, for writing if {@code write}.</li>
 *   <li>CONNECTION: the AP connected ({@code client} → {@code server}) to the peer AP, which accepted.</li>
 *   <li>EXTERNAL: the AP talked to an unobserved {@code remote} in {@code direction}.</li>
 *   <li>EXIT: the AP's process {@code pid} exited: it stays evidence of the AP until it retires, but is no longer
 *       one of the AP's live processes (the pids a migration has to move).</li>
 * </ul>
 * A {@code pid} (or {@code peerPid}) below zero means "no process evidence in this item".
 */
public record GraphEvent(Kind kind, long timeMicros, long count, String host, String program, int pid,
                         int sourceMask, String path, boolean write, String peerHost, String peerProgram,
                         int peerPid, int peerSourceMask, Protocol protocol, Direction direction, Endpoint local,
                         Endpoint remote) {

    /** What the evidence says. */
    public enum Kind { PROCESS, FILE, CONNECTION, EXTERNAL, EXIT }

    public static final BinaryCodec<GraphEvent> SERDE = new BinaryCodec<>("graph event",
        (out, e) -> {
            out.writeByte(e.kind.ordinal());
            out.writeLong(e.timeMicros);
            out.writeLong(e.count);
            out.writeUTF(e.host);
            out.writeUTF(e.program);
            out.writeInt(e.pid);
            out.writeInt(e.sourceMask);
            switch (e.kind) {
                case PROCESS, EXIT -> { }
                case FILE -> {
                    out.writeUTF(e.path);
                    out.writeBoolean(e.write);
                }
                case CONNECTION -> {
                    out.writeUTF(e.peerHost);
                    out.writeUTF(e.peerProgram);
                    out.writeInt(e.peerPid);
                    out.writeInt(e.peerSourceMask);
                    out.writeByte(e.protocol.ordinal());
                    e.local.write(out);
                    e.remote.write(out);
                }
                case EXTERNAL -> {
                    out.writeByte(e.protocol.ordinal());
                    out.writeByte(e.direction.ordinal());
                    e.local.write(out);
                    e.remote.write(out);
                }
                default -> throw new IllegalStateException("unknown kind " + e.kind);
            }
        },
        in -> {
            final Kind kind = Kind.values()[in.readByte()];
            final long time = in.readLong();
            final long count = in.readLong();
            final String host = in.readUTF();
            final String program = in.readUTF();
            final int pid = in.readInt();
            final int sources = in.readInt();
            return switch (kind) {
                case PROCESS -> process(host, program, pid, sources, time);
                case EXIT -> exit(host, program, pid, sources, time);
                case FILE -> {
                    final String path = in.readUTF();
                    yield file(host, program, pid, sources, time, path, in.readBoolean(), count);
                }
                case CONNECTION -> {
                    final String peerHost = in.readUTF();
                    final String peerProgram = in.readUTF();
                    final int peerPid = in.readInt();
                    final int peerSources = in.readInt();
                    final Protocol protocol = Protocol.values()[in.readByte()];
                    final Endpoint client = Endpoint.read(in);
                    final Endpoint server = Endpoint.read(in);
                    yield new GraphEvent(Kind.CONNECTION, time, count, host, program, pid, sources, null, false,
                        peerHost, peerProgram, peerPid, peerSources, protocol, null, client, server);
                }
                case EXTERNAL -> {
                    final Protocol protocol = Protocol.values()[in.readByte()];
                    final Direction direction = Direction.values()[in.readByte()];
                    final Endpoint local = Endpoint.read(in);
                    final Endpoint remote = Endpoint.read(in);
                    yield new GraphEvent(Kind.EXTERNAL, time, count, host, program, pid, sources, null, false,
                        null, null, -1, 0, protocol, direction, local, remote);
                }
            };
        });

    public static GraphEvent process(final String host, final String program, final int pid, final int sources,
                                     final long timeMicros) {
        return new GraphEvent(Kind.PROCESS, timeMicros, 1, host, program, pid, sources, null, false, null, null, -1,
            0, null, null, null, null);
    }

    /** The AP's process {@code pid} exited at {@code timeMicros}. */
    public static GraphEvent exit(final String host, final String program, final int pid, final int sources,
                                  final long timeMicros) {
        return new GraphEvent(Kind.EXIT, timeMicros, 1, host, program, pid, sources, null, false, null, null, -1,
            0, null, null, null, null);
    }

    public static GraphEvent file(final String host, final String program, final int pid, final int sources,
                                  final long timeMicros, final String path, final boolean write, final long count) {
        return new GraphEvent(Kind.FILE, timeMicros, count, host, program, pid, sources, path, write, null, null, -1,
            0, null, null, null, null);
    }

    /** A matched pair: {@code client} connected, {@code server} accepted. */
    public static GraphEvent connection(final SocketEvent client, final SocketEvent server) {
        return new GraphEvent(Kind.CONNECTION, Math.max(client.timeMicros(), server.timeMicros()), 1,
            client.hostId(), client.program(), client.pid(), client.sourceMask(), null, false, server.hostId(),
            server.program(), server.pid(), server.sourceMask(), client.protocol(), null, client.local(),
            server.local());
    }

    /** A side whose peer was never observed (or not attributed). */
    public static GraphEvent external(final SocketEvent side) {
        final Endpoint remote = side.client() ? side.remote() : side.remote().withoutPort();
        return new GraphEvent(Kind.EXTERNAL, side.timeMicros(), 1, side.hostId(), side.program(), side.pid(),
            side.sourceMask(), null, false, null, null, -1, 0, side.protocol(),
            side.client() ? Direction.OUTBOUND : Direction.INBOUND, side.local(), remote);
    }

    public String ap() {
        return program + "@" + host;
    }

    public String peerAp() {
        return peerProgram + "@" + peerHost;
    }
}
