package io.tether.collector.scan.internals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The connected Unix-domain stream sockets of one network namespace, each with its side of the connection: the
 * peers from {@link UnixPeers}, the names and listeners from /proc/PID/net/unix. The table is read <em>after</em>
 * asking for the peers, so that every peer named there is in it unless it closed meanwhile or lives in another
 * namespace (a path is reachable from every namespace that shares the file system).
 *
 * <p>A listening socket bound to a path marks the server: the end whose name is a listener's path is the accepted
 * socket (accept gives it its listener's name; a client can not bind a path that is in use), its peer is the client.
 * Ends that name no listener are not a client/server connection (socketpairs, a listener already closed).
 */
public final class UnixConnections {
    /** Which end of a connection a socket is, as far as this namespace tells. */
    public enum Side {
        /** No peer yet (waiting in the listener's backlog) or no more (the peer closed): look again later. */
        UNPAIRED,
        /** Not a connection to a listener: socketpair, peer elsewhere or listener gone. */
        NONE,
        SERVER,
        CLIENT
    }

    /**
     * One socket's side with the names of both ends. An unnamed end (a client that did not bind) is "", as the
     * probe reports it from getsockname; null when the end is not in this namespace's table.
     */
    public record Pairing(Side side, String localPath, String remotePath) {
        static final Pairing UNPAIRED = new Pairing(Side.UNPAIRED, null, null);
        static final Pairing NONE = new Pairing(Side.NONE, null, null);
    }

    private final UnixPeers peers;
    private final SocketTable table;

    private UnixConnections(final UnixPeers peers, final SocketTable table) {
        this.peers = peers;
        this.table = table;
    }

    /** Asks for the peers, then reads the table, of the namespace of the process whose /proc directory is given. */
    public static UnixConnections read(final Path pidDir, final boolean ownNamespace, final Duration timeout)
            throws IOException {
        final UnixPeers peers = UnixPeers.query(pidDir, ownNamespace, timeout);
        return new UnixConnections(peers, SocketTable.readUnix(pidDir));
    }

    public Pairing pair(final long inode) {
        final SocketEntry own = table.get(inode);
        if (own == null || !own.unixConnected()) {
            return own == null ? Pairing.NONE : Pairing.UNPAIRED; // closed meanwhile, or not connected yet
        }
        final long peerInode = peers.peerOf(inode);
        if (peerInode == 0) {
            return Pairing.UNPAIRED;
        }
        final SocketEntry peer = table.get(peerInode);
        if (table.isListeningUnix(own.path())) {
            return new Pairing(Side.SERVER, own.path(), peer == null ? null : name(peer));
        }
        if (peer != null && table.isListeningUnix(peer.path())) {
            return new Pairing(Side.CLIENT, name(own), peer.path());
        }
        return Pairing.NONE;
    }

    private static String name(final SocketEntry entry) {
        return entry.path() == null ? "" : entry.path();
    }
}
