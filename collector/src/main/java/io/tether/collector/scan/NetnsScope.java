package io.tether.collector.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which processes a collector covers, by network namespace: its own namespace (the default), one named namespace
 * ({@code --netns NAME}, i.e. {@code /run/netns/NAME}: one simulated host), or every namespace of the machine
 * ({@code --all-netns}, each event then carries its namespace in {@code header.netns}).
 */
public final class NetnsScope {
    private static final Path NAMED_NETNS_DIR = Path.of("/run/netns");

    private final String description;
    private final long inode;
    private final boolean all;

    private NetnsScope(final String description, final long inode, final boolean all) {
        this.description = description;
        this.inode = inode;
        this.all = all;
    }

    /** The namespace the collector itself runs in. */
    public static NetnsScope own(final Path procRoot) {
        try {
            return new NetnsScope("own network namespace", namespaceInode(procRoot.resolve("self/ns/net")), false);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read the collector's own network namespace: " + e.getMessage(), e);
        }
    }

    /**
     * A namespace created with {@code ip netns add NAME}.
     *
     * @throws IllegalArgumentException when no such namespace exists
     */
    public static NetnsScope named(final String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid network namespace name '" + name + "'");
        }
        final Path path = NAMED_NETNS_DIR.resolve(name);
        try {
            return new NetnsScope("network namespace " + name, namespaceInode(path), false);
        } catch (final IOException e) {
            throw new IllegalArgumentException("unknown network namespace '" + name + "' (no " + path
                    + "; see 'ip netns list')");
        }
    }

    /** Every process of the machine, whatever its namespace. */
    public static NetnsScope all() {
        return new NetnsScope("all network namespaces", 0, true);
    }

    public boolean coversAll() {
        return all;
    }

    /** Inode of the covered namespace (meaningless when {@link #coversAll()}). */
    public long inode() {
        return inode;
    }

    public boolean covers(final long namespaceInode) {
        return all || namespaceInode == inode;
    }

    /** The inode of a namespace file: a /proc/PID/ns/net link ("net:[4026531833]") or a bind mount under /run/netns. */
    static long namespaceInode(final Path path) throws IOException {
        if (Files.isSymbolicLink(path)) {
            return parseNamespaceLink(Files.readSymbolicLink(path).toString());
        }
        final Object ino = Files.getAttribute(path, "unix:ino");
        return ((Number) ino).longValue();
    }

    static long parseNamespaceLink(final String target) throws IOException {
        final int open = target.indexOf('[');
        final int close = target.lastIndexOf(']');
        if (!target.startsWith("net:[") || close <= open) {
            throw new IOException("not a network namespace link: " + target);
        }
        return Long.parseLong(target, open + 1, close, 10);
    }

    @Override
    public String toString() {
        return description;
    }
}
