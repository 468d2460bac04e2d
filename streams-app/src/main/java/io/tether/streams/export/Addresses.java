package io.tether.streams.export;

import io.tether.schemas.event.SocketAddress;

/** Text forms of socket addresses as people and tools write them. */
public final class Addresses {

    private Addresses() {
    }

    /** {@code 10.0.0.2:5432}, {@code [fd00::2]:5432} or {@code unix:/run/app.sock}. */
    public static String format(final SocketAddress address) {
        if (address == null) {
            return "";
        }
        if (address.getPath() != null) {
            return "unix:" + address.getPath();
        }
        final String ip = address.getIp() == null ? "?" : address.getIp();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** The part of an address that names the service: {@code :5432}, or the Unix socket path. */
    public static String service(final SocketAddress address) {
        if (address == null) {
            return "";
        }
        return address.getPath() != null ? "unix:" + address.getPath() : ":" + address.getPort();
    }
}
