package io.tether.streams.query;

import io.tether.schemas.event.SocketAddress;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Text forms of the model's addresses and times, shared by the JSON view and the CLI so that both read alike. */
public final class Addresses {

    private Addresses() {
    }

    /**
     * {@code ip:port}, {@code [v6]:port} or {@code unix:path}; {@code null} stays {@code null} (an optional field of the
     * model, such as an external endpoint's local end, must not turn into a made-up address).
     */
    public static String format(final SocketAddress address) {
        if (address == null) {
            return null;
        }
        if (address.getIp() == null) {
            return "unix:" + (address.getPath() == null ? "?" : address.getPath());
        }
        final String ip = address.getIp();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** ISO-8601 instant of an event time in microseconds since the epoch. */
    public static String isoMicros(final long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
    }

    /** The identity a file is shown under: {@code host:path} (a file is identified by host and path, DESIGN.md §2). */
    public static String file(final String host, final String path) {
        return host + ":" + path;
    }
}
