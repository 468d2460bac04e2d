package io.tether.netns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated host: a network namespace with one veth interface on the test's bridge and one address
 * from 198.18.0.0/15. Commands run inside it with {@code ip netns exec}, so their traffic never leaves the
 * namespaces the test created.
 */
public final class NetnsHost {
    private final String namespace;
    private final String interfaceName;
    private final String address;

    NetnsHost(final String namespace, final String interfaceName, final String address) {
        this.namespace = namespace;
        this.interfaceName = interfaceName;
        this.address = address;
    }

    /** Name of the namespace as {@code ip netns list} shows it (also the name under /run/netns). */
    public String namespace() {
        return namespace;
    }

    /** The host's IPv4 address inside its namespace (no prefix length). */
    public String address() {
        return address;
    }

    /** Name of the host's interface inside its namespace. */
    public String interfaceName() {
        return interfaceName;
    }

    /** The command line that runs {@code command} inside this host's namespace. */
    public List<String> command(final List<String> command) {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** A process builder for {@code command} inside this host's namespace. */
    public ProcessBuilder processBuilder(final String... command) {
        return new ProcessBuilder(command(List.of(command)));
    }

    /** Runs {@code command} inside the namespace, waits (bounded) and returns its exit code and output. */
    public CommandResult exec(final String... command) throws IOException, InterruptedException {
        return Commands.run(command(List.of(command)));
    }

    /**
     * Asks the namespace's routing table how it would reach {@code address} and fails unless the answer is the
     * host's own bridge interface, which proves the traffic stays between the test's namespaces.
     */
    public String requireRouteInside(final String destination) throws IOException, InterruptedException {
        final CommandResult route = exec("ip", "route", "get", destination);
        if (route.exitCode() != 0 || !route.output().contains("dev " + interfaceName + " ")
                && !route.output().contains("dev lo ")) {
            throw new IllegalStateException("route from " + namespace + " to " + destination
                    + " does not stay on the test bridge: " + route.output().strip());
        }
        return route.output();
    }

    @Override
    public String toString() {
        return namespace + "(" + address + ")";
    }
}
