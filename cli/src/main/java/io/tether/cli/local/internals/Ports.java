package io.tether.cli.local.internals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that a port is free before anything starts, so a clash is reported by name instead of deep in a log. */
public final class Ports {
    private Ports() {
    }

    /** @return true if {@code host:port} can be bound right now */
    public static boolean isFree(final InetAddress host, final int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    /** A port the OS considers free at this moment (for listeners the user does not choose, e.g. the controller). */
    public static int ephemeral(final InetAddress host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new IllegalStateException("no free port on " + host, e);
        }
    }
}
