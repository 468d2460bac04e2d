package io.tether.collector.scan.internals;

/**
 * One row of a namespace's socket tables. For TCP: both address pairs and the kernel's state; for Unix-domain
 * sockets: the bound path (accepted server sockets show their listener's path; client sockets have none) and the
 * socket state of /proc/net/unix's "St" column.
 */
public record SocketEntry(long inode, Kind kind, int state, String localIp, int localPort, String remoteIp,
                          int remotePort, boolean listening, String path) {

    public enum Kind { TCP, UNIX_STREAM, UNIX_DGRAM }

    static SocketEntry tcp(final long inode, final int state, final String localIp, final int localPort,
                           final String remoteIp, final int remotePort) {
        return new SocketEntry(inode, Kind.TCP, state, localIp, localPort, remoteIp, remotePort,
                state == SocketTable.TCP_LISTEN, null);
    }

    static SocketEntry unix(final long inode, final boolean stream, final int state, final boolean listening,
                            final String path) {
        return new SocketEntry(inode, stream ? Kind.UNIX_STREAM : Kind.UNIX_DGRAM, state, null, 0, null, 0, listening,
                path);
    }

    /** A TCP connection whose handshake is still in progress: look again at the next scan. */
    public boolean connecting() {
        return kind == Kind.TCP && (state == SocketTable.TCP_SYN_SENT || state == SocketTable.TCP_SYN_RECV);
    }

    public boolean established() {
        return kind == Kind.TCP && state == SocketTable.TCP_ESTABLISHED;
    }

    /** A Unix-domain stream socket that has a peer (or had one: the state stays when the peer closes). */
    public boolean unixConnected() {
        return kind == Kind.UNIX_STREAM && !listening && state == SocketTable.UNIX_SS_CONNECTED;
    }
}
