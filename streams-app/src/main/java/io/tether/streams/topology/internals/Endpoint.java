package io.tether.streams.topology.internals;

import io.tether.schemas.event.SocketAddress;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** One end of a socket inside the topology: IP and port, or a Unix socket path. Immutable copy of SocketAddress. */
public record Endpoint(String ip, int port, String path) implements Comparable<Endpoint> {
    public static final Endpoint NONE = new Endpoint(null, 0, null);

    public static Endpoint of(final SocketAddress address) {
        return address == null ? NONE : new Endpoint(address.getIp(), address.getPort(), address.getPath());
    }

    public SocketAddress toAvro() {
        return new SocketAddress(ip, port, path);
    }

    public boolean isIp() {
        return ip != null;
    }

    /** Loopback and wildcard addresses only mean something on their own host (and network namespace). */
    public boolean isHostLocal() {
        if (ip == null) {
            return true;
        }
        return ip.startsWith("127.") || ip.equals("::1") || ip.equals("0.0.0.0") || ip.equals("::");
    }

    /** The same endpoint without its port: an inbound client's ephemeral port says nothing about who it is. */
    public Endpoint withoutPort() {
        return new Endpoint(ip, 0, path);
    }

    @Override
    public String toString() {
        if (ip == null) {
            return path == null ? "?" : path;
        }
        final String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
        return port == 0 ? host : host + ":" + port;
    }

    @Override
    public int compareTo(final Endpoint other) {
        return toString().compareTo(other.toString());
    }

    void write(final DataOutput out) throws IOException {
        BinaryCodec.writeNullable(out, ip);
        out.writeInt(port);
        BinaryCodec.writeNullable(out, path);
    }

    static Endpoint read(final DataInput in) throws IOException {
        return new Endpoint(BinaryCodec.readNullable(in), in.readInt(), BinaryCodec.readNullable(in));
    }
}
