package io.tether.cli.demo;

import io.tether.netns.NamespacesUnavailableException;
import io.tether.netns.NetnsHost;
import io.tether.netns.NetnsHosts;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's hosts: one network namespace each (the shared {@link NetnsHosts} helper: a bridge without an address in
 * the root namespace, addresses from 198.18.0.0/15), or, where namespaces are not permitted, every "host" on this
 * machine's loopback under its own host id.
 */
final class DemoHosts implements AutoCloseable {
    /** A demo host: its host id, its namespace (null in single-host mode) and the address others reach it at. */
    record Host(String hostId, NetnsHost netns, String address) {
        ProcessBuilder processBuilder(final List<String> command) {
            return netns == null ? new ProcessBuilder(command) : new ProcessBuilder(netns.command(command));
        }
    }

    private final NetnsHosts namespaces;
    private final List<Host> hosts;

    private DemoHosts(final NetnsHosts namespaces, final List<Host> hosts) {
        this.namespaces = namespaces;
        this.hosts = List.copyOf(hosts);
    }

    static DemoHosts create(final List<String> hostIds, final boolean forceSingleHost, final PrintStream out) {
        if (!forceSingleHost) {
            try {
                final NetnsHosts created = NetnsHosts.create(hostIds.size());
                final List<Host> hosts = new ArrayList<>();
                for (int i = 0; i < hostIds.size(); i++) {
                    hosts.add(new Host(hostIds.get(i), created.host(i + 1), created.host(i + 1).address()));
                }
                out.println("tether demo: " + hostIds.size() + " hosts as network namespaces "
                        + created.hosts() + " on bridge " + created.bridge() + " (no address in the root namespace)");
                return new DemoHosts(created, hosts);
            } catch (final NamespacesUnavailableException e) {
                out.println("tether demo: network namespaces are not permitted here (" + e.getMessage()
                        + "); running the single-host version: every program on this machine, talking over loopback");
            }
        }
        // one host id for all: loopback addresses are only unique within a host, so the programs must share one
        final List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < hostIds.size(); i++) {
            hosts.add(new Host("demo-host", null, "127.0.0.1"));
        }
        return new DemoHosts(null, hosts);
    }

    boolean singleHost() {
        return namespaces == null;
    }

    Host host(final int index) {
        return hosts.get(index);
    }

    List<Host> distinct() {
        final List<Host> distinct = new ArrayList<>();
        for (final Host h : hosts) {
            if (distinct.stream().noneMatch(d -> d.hostId().equals(h.hostId()))) {
                distinct.add(h);
            }
        }
        return distinct;
    }

    @Override
    public void close() {
        if (namespaces != null) {
            namespaces.close();
        }
    }
}
