package io.tether.streams.topology.internals;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.Protocol;

/**
 * One side of a connection after attribution: a connect (client side) or an accept (server side). {@code ap} is
 * null when the process could not be attributed; such sides still take part in the connection join, so that the
 * join's stream time advances and the attributed peer is not mistaken for a partner of something else.
 *
 * @param local  the side's own address (client end for a connect, server end for an accept)
 * @param remote the peer address
 * @param scope  {@code hostId} or {@code hostId/netns}: where host-local addresses are unique
 */
public record SocketEvent(boolean client, String ap, String hostId, String program, int pid, int sourceMask,
                          long timeMicros, Protocol protocol, Endpoint local, Endpoint remote, String scope) {

    public static final BinaryCodec<SocketEvent> SERDE = new BinaryCodec<>("socket event",
        (out, e) -> {
            out.writeBoolean(e.client);
            BinaryCodec.writeNullable(out, e.ap);
            out.writeUTF(e.hostId);
            BinaryCodec.writeNullable(out, e.program);
            out.writeInt(e.pid);
            out.writeInt(e.sourceMask);
            out.writeLong(e.timeMicros);
            out.writeByte(e.protocol.ordinal());
            e.local.write(out);
            e.remote.write(out);
            out.writeUTF(e.scope);
        },
        in -> new SocketEvent(in.readBoolean(), BinaryCodec.readNullable(in), in.readUTF(),
            BinaryCodec.readNullable(in), in.readInt(), in.readInt(), in.readLong(),
            Protocol.values()[in.readByte()], Endpoint.read(in), Endpoint.read(in), in.readUTF()));

    public static SocketEvent of(final ConnectEvent e, final ProcessVersion process) {
        final EventHeader h = e.getHeader();
        final String program = process == null ? null : process.program();
        return new SocketEvent(true, program == null ? null : program + "@" + h.getHostId(), h.getHostId(), program,
            h.getPid(), Sources.mask(h.getSource()), h.getTimeMicros(), e.getProtocol(), Endpoint.of(e.getLocal()),
            Endpoint.of(e.getRemote()), scope(h));
    }

    public static SocketEvent of(final AcceptEvent e, final ProcessVersion process) {
        final EventHeader h = e.getHeader();
        final String program = process == null ? null : process.program();
        return new SocketEvent(false, program == null ? null : program + "@" + h.getHostId(), h.getHostId(), program,
            h.getPid(), Sources.mask(h.getSource()), h.getTimeMicros(), e.getProtocol(), Endpoint.of(e.getLocal()),
            Endpoint.of(e.getRemote()), scope(h));
    }

    private static String scope(final EventHeader h) {
        return h.getNetns() == null ? h.getHostId() : h.getHostId() + "/" + h.getNetns();
    }

    public boolean attributed() {
        return ap != null;
    }

    /** Client end of the connection, whichever side this is. */
    public Endpoint clientEnd() {
        return client ? local : remote;
    }

    /** Server end of the connection, whichever side this is. */
    public Endpoint serverEnd() {
        return client ? remote : local;
    }

    /**
     * The key both sides of one connection agree on (DESIGN.md §2): protocol, client end, server end. Host-local
     * addresses (loopback, wildcard, Unix paths) are prefixed with the scope, so that 127.0.0.1:80 on two hosts
     * are two different servers. A Unix-domain client has no name of its own, so Unix sockets pair on the server
     * path alone: every client of a path talks to the one server that listens on it.
     */
    public String connectionKey() {
        final Endpoint c = clientEnd();
        final Endpoint s = serverEnd();
        if (!s.isIp()) {
            return protocol.name() + "|" + scope + "|" + s;
        }
        final boolean local = c.isHostLocal() || s.isHostLocal();
        return protocol.name() + "|" + (local ? scope : "") + "|" + c + "|" + s;
    }
}
