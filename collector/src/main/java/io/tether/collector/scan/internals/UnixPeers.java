package io.tether.collector.scan.internals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Which Unix-domain socket is connected to which, in one network namespace: socket inode → its peer's inode.
 *
 * <p>/proc/net/unix does not name a connected socket's peer: a client shows no path and an accepted socket its
 * listener's path, so with several clients of one path (or socketpairs in between) nothing there says which client
 * holds which accepted socket. Pairing on path, socket state or neighbouring inode numbers is a guess. The kernel
 * tells the peer only through sock_diag netlink (UNIX_DIAG_PEER), which Java cannot open; {@code ss -x} of
 * iproute2 asks exactly that and prints it, so this runs it (inside the namespace with nsenter when it is not the
 * collector's own). Its peer inode is 0 while a connection waits in the listener's backlog (the accepted socket has
 * no inode before accept) and after the peer closed.
 */
public final class UnixPeers {
    private static final List<String> SS = List.of("ss", "-H", "-x");

    private final Map<Long, Long> peers;

    private UnixPeers(final Map<Long, Long> peers) {
        this.peers = peers;
    }

    /**
     * Asks the kernel through {@code ss} about the namespace of the process whose /proc directory is {@code pidDir}.
     *
     * @param ownNamespace whether that namespace is the collector's own (no nsenter, so no privilege, needed)
     * @throws IOException when ss (or nsenter) cannot be run, fails or takes longer than {@code timeout}
     */
    public static UnixPeers query(final Path pidDir, final boolean ownNamespace, final Duration timeout)
            throws IOException {
        final List<String> command = new ArrayList<>();
        if (!ownNamespace) {
            command.addAll(List.of("nsenter", "--net=" + pidDir.resolve("ns/net").toAbsolutePath()));
        }
        command.addAll(SS);
        final Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        // bounds the read below too: a killed ss closes its output
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(process::destroyForcibly);
        final String out;
        final String err;
        try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        final int exit;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            exit = process.exitValue();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + exit + ")"
                    + (err.isEmpty() ? "" : ": " + err.lines().findFirst().orElse("")));
        }
        return parse(out);
    }

    /**
     * Parses {@code ss -H -x} output, whose rows end "LOCAL-NAME LOCAL-INODE * PEER-INODE". The local name may hold
     * spaces (a path) and the leading columns differ between versions and options, so
     * rows are read from their end; netlink-mode ss prints the peer's name as "*". Rows of another shape are skipped.
     */
    public static UnixPeers parse(final String output) {
        final Map<Long, Long> peers = new HashMap<>();
        for (final String line : output.split("\n")) {
            final String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !"*".equals(f[f.length - 2])) {
                continue;
            }
            try {
                peers.put(Long.parseLong(f[f.length - 3]), Long.parseLong(f[f.length - 1]));
            } catch (final NumberFormatException notARow) {
                // a header or a row this parser does not know: its socket stays unpaired
            }
        }
        return new UnixPeers(peers);
    }

    /** The inode of the socket connected to {@code inode}; 0 when none is known (see the class comment). */
    public long peerOf(final long inode) {
        return peers.getOrDefault(inode, 0L);
    }
}
