package io.tether.collector.scan.internals;

import io.tether.collector.probe.IpText;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of one network namespace, from its /proc/PID/net/{tcp,tcp6,unix}: socket inode → addresses and
 * state, plus the listening (ip, port) pairs and Unix paths that tell the server end of an established connection
 * from the client end.
 */
public final class SocketTable {
    /** TCP states as the kernel numbers them in /proc/net/tcp (include/net/tcp_states.h). */
    public static final int TCP_ESTABLISHED = 0x01;
    public static final int TCP_SYN_SENT = 0x02;
    public static final int TCP_SYN_RECV = 0x03;
    public static final int TCP_LISTEN = 0x0A;
    /** socket_state SS_CONNECTED (include/uapi/linux/net.h), the "St" column of /proc/net/unix. */
    public static final int UNIX_SS_CONNECTED = 3;
    private static final int UNIX_ACCEPTCON = 0x10000;
    private static final int UNIX_DGRAM = 2;

    private final Map<Long, SocketEntry> byInode = new HashMap<>();
    private final Set<String> listening = new HashSet<>();
    private final Set<String> listeningUnixPaths = new HashSet<>();

    private SocketTable() {
    }

    /** Reads the tables of the namespace that process {@code pid} belongs to. */
    public static SocketTable read(final Path procPidDir) throws IOException {
        final SocketTable table = new SocketTable();
        table.readTcp(procPidDir.resolve("net/tcp"), false);
        table.readTcp(procPidDir.resolve("net/tcp6"), true);
        table.parseUnix(procPidDir.resolve("net/unix"));
        return table;
    }

    /** Reads only the Unix-domain sockets of the namespace that process {@code pid} belongs to. */
    public static SocketTable readUnix(final Path procPidDir) throws IOException {
        final SocketTable table = new SocketTable();
        table.parseUnix(procPidDir.resolve("net/unix"));
        return table;
    }

    public SocketEntry get(final long inode) {
        return byInode.get(inode);
    }

    /** Whether a TCP socket listens on this local address and port (directly or on the wildcard address). */
    public boolean isListening(final String ip, final int port) {
        return listening.contains(ip + "|" + port) || listening.contains("0.0.0.0|" + port)
                || listening.contains("::|" + port);
    }

    /** Whether a Unix-domain socket listens on this path (abstract names start with '@'). */
    public boolean isListeningUnix(final String path) {
        return path != null && listeningUnixPaths.contains(path);
    }

    private void readTcp(final Path file, final boolean v6) throws IOException {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (final NoSuchFileException noIpv6) {
            return;
        }
        int lineStart = text.indexOf('\n') + 1;
        while (lineStart > 0 && lineStart < text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            parseTcpLine(text.substring(lineStart, lineEnd), v6);
            lineStart = lineEnd + 1;
        }
    }

    private void parseTcpLine(final String line, final boolean v6) {
        // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
        final String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
            return;
        }
        final int localColon = f[1].indexOf(':');
        final int remoteColon = f[2].indexOf(':');
        final String localIp = IpText.format(hexAddress(f[1].substring(0, localColon), v6));
        final int localPort = Integer.parseInt(f[1].substring(localColon + 1), 16);
        final String remoteIp = IpText.format(hexAddress(f[2].substring(0, remoteColon), v6));
        final int remotePort = Integer.parseInt(f[2].substring(remoteColon + 1), 16);
        final int state = Integer.parseInt(f[3], 16);
        final long inode = Long.parseLong(f[9]);
        if (state == TCP_LISTEN) {
            listening.add(localIp + "|" + localPort);
        }
        if (inode != 0) {
            byInode.put(inode, SocketEntry.tcp(inode, state, localIp, localPort, remoteIp, remotePort));
        }
    }

    /** /proc/net/tcp prints each 32-bit word of the address in host byte order (little endian here). */
    static byte[] hexAddress(final String hex, final boolean v6) {
        final int words = v6 ? 4 : 1;
        final byte[] address = new byte[words * 4];
        for (int w = 0; w < words; w++) {
            final long word = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
            for (int b = 0; b < 4; b++) {
                address[w * 4 + b] = (byte) (word >>> (8 * b));
            }
        }
        return address;
    }

    private void parseUnix(final Path file) throws IOException {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException noUnix) {
            return;
        }
        final String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            // "Num       RefCount Protocol Flags    Type St Inode Path"
            final String[] f = lines[i].trim().split("\\s+", 8);
            if (f.length < 7) {
                continue;
            }
            final int flags = Integer.parseInt(f[3], 16);
            final int type = Integer.parseInt(f[4], 16);
            final int state = Integer.parseInt(f[5], 16);
            final long inode = Long.parseLong(f[6]);
            final String path = f.length > 7 ? f[7] : null;
            final boolean listens = (flags & UNIX_ACCEPTCON) != 0;
            if (listens && path != null) {
                listeningUnixPaths.add(path);
            }
            // SOCK_SEQPACKET counts as a stream, as the probe reports it: connected, with a listener, in order
            byInode.put(inode, SocketEntry.unix(inode, type != UNIX_DGRAM, state, listens, path));
        }
    }
}
