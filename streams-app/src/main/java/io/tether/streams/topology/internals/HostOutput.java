package io.tether.streams.topology.internals;

/**
 * What the host task emits for one event: coupling {@code evidence} for the graph, one {@code side} of a
 * connection for the connection join, or an event {@code givenUp} unattributed (for the DLQ). A connect or accept
 * given up carries both its unattributed side (it still takes part in the join, see {@link SocketEvent}) and
 * itself.
 */
public record HostOutput(GraphEvent evidence, SocketEvent side, HostEvent givenUp) {

    public static HostOutput evidence(final GraphEvent evidence) {
        return new HostOutput(evidence, null, null);
    }

    public static HostOutput side(final SocketEvent side) {
        return new HostOutput(null, side, null);
    }

    public static HostOutput givenUp(final HostEvent event, final SocketEvent unattributedSide) {
        return new HostOutput(null, unattributedSide, event);
    }
}
