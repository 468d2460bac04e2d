package io.tether.netns;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * N simulated hosts on one machine: a network namespace per host, each with a veth on one bridge that has NO
 * address in the root namespace, and an address from 198.18.0.0/15 inside. The root namespace therefore cannot
 * reach the hosts and the hosts reach only each other. Names carry a random per-run prefix, because other test
 * runs create namespaces concurrently. {@link #close()} deletes everything (also from a shutdown hook, in case
 * the test JVM is stopped early).
 *
 * <pre>
 * try (NetnsHosts hosts = NetnsHosts.create(2)) {          // skips the test when not permitted
 *     Process server = hosts.host(1).processBuilder("my-server").start();
 * }
 * </pre>
 */
public final class NetnsHosts implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final String bridge;
    private final List<NetnsHost> hosts;
    private final List<String> createdNamespaces = new ArrayList<>();
    private final List<String> createdLinks = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetnsHosts(final String prefix) {
        this.prefix = prefix;
        this.bridge = prefix + "br";
        this.hosts = new ArrayList<>();
        this.shutdownHook = new Thread(this::deleteAll, "netns-cleanup-" + prefix);
    }

    /**
     * Creates {@code count} hosts named {@code <prefix>h1 … <prefix>hN}. When the machine does not permit
     * {@code ip netns add} (no root, no CAP_SYS_ADMIN, no iproute2), it throws
     * {@link NamespacesUnavailableException} saying so (tests turn that into a skip: {@code TestHosts}).
     */
    public static NetnsHosts create(final int count) {
        if (count < 1 || count > 250) {
            throw new IllegalArgumentException("host count must be 1..250, got " + count);
        }
        final String prefix = "tt" + String.format(Locale.ROOT, "%06x", RANDOM.nextInt(1 << 24));
        final NetnsHosts created = new NetnsHosts(prefix);
        Runtime.getRuntime().addShutdownHook(created.shutdownHook);
        try {
            created.setUp(count);
            return created;
        } catch (final IOException | InterruptedException | RuntimeException e) {
            created.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new NamespacesUnavailableException("network namespaces are not available here (needs root and "
                    + "iproute2: 'ip netns add' must be permitted): " + e.getMessage(), e);
        }
    }

    private void setUp(final int count) throws IOException, InterruptedException {
        // a third octet per run keeps concurrent runs' subnets apart even though their bridges are separate
        final int subnet = RANDOM.nextInt(256);
        Commands.require(List.of("ip", "link", "add", bridge, "type", "bridge"));
        createdLinks.add(bridge);
        Commands.require(List.of("ip", "link", "set", bridge, "up"));
        for (int i = 1; i <= count; i++) {
            final String ns = prefix + "h" + i;
            final String outside = prefix + "v" + i;
            final String inside = prefix + "e" + i;
            final String address = "198.18." + subnet + "." + i;
            Commands.require(List.of("ip", "netns", "add", ns));
            createdNamespaces.add(ns);
            Commands.require(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", inside));
            createdLinks.add(outside);
            Commands.require(List.of("ip", "link", "set", inside, "netns", ns));
            Commands.require(List.of("ip", "link", "set", outside, "master", bridge));
            Commands.require(List.of("ip", "link", "set", outside, "up"));
            Commands.require(List.of("ip", "-n", ns, "addr", "add", address + "/24", "dev", inside));
            Commands.require(List.of("ip", "-n", ns, "link", "set", inside, "up"));
            Commands.require(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
            hosts.add(new NetnsHost(ns, inside, address));
        }
    }

    /** Host number {@code n}, 1-based (namespace {@code <prefix>hN}). */
    public NetnsHost host(final int n) {
        return hosts.get(n - 1);
    }

    public List<NetnsHost> hosts() {
        return Collections.unmodifiableList(hosts);
    }

    /** The random per-run prefix of every name this instance created. */
    public String prefix() {
        return prefix;
    }

    /** Name of the root-namespace bridge (it has no address). */
    public String bridge() {
        return bridge;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException shuttingDown) {
            // the hook is running or about to: it deletes the same names, which is harmless
        }
    }

    private void deleteAll() {
        // deleting a namespace also deletes the veth ends inside it and thereby their root-side peers
        for (final String ns : createdNamespaces) {
            quietly(List.of("ip", "netns", "del", ns));
        }
        for (final String link : createdLinks) {
            quietly(List.of("ip", "link", "del", link));
        }
    }

    private static void quietly(final List<String> command) {
        try {
            Commands.run(command);
        } catch (final IOException e) {
            // best effort: the name carries the run prefix, so a leftover cannot collide with another run
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
