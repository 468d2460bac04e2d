package io.tether.streams.topology.internals;

import io.tether.streams.topology.TopologyOptions;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;

/**
 * Step 3 of {@link io.tether.streams.topology.MigrationSetTopology}, the connections, as one piece of DSL: the
 * topology builds it here, and so does the benchmark that measures the floor of the topology's shape, which must
 * pair connections exactly as the app does.
 */
public final class ConnectionPairing {
    private ConnectionPairing() {
    }

    /**
     * Both sides of each connection keyed by the connection and paired within the join window; one side alone after
     * the window is an EXTERNAL endpoint. A side given up unattributed still enters the join (see
     * {@link SocketEvent}), so that it advances the join's stream time. Both sides travel through ONE repartition
     * topic and are split again behind it: the join's task then reads one partition, which keeps connects and
     * accepts in the order they were attributed, and spares the task Kafka Streams' per-record wait-for-the-other-
     * input bookkeeping (with two input topics it checks -- and describes in a formatted string -- every empty
     * partition before each record).
     */
    public static KStream<String, GraphEvent> connectionEvidence(final KStream<String, HostOutput> attributed,
                                                                 final TopologyOptions options) {
        final Serde<String> keys = Serdes.String();
        final Map<String, KStream<String, SocketEvent>> sides = attributed
            .filter((k, v) -> v.side() != null, Named.as("socket-sides"))
            .mapValues(HostOutput::side, Named.as("socket-side-value"))
            .filter((k, v) -> v.serverEnd().isIp() || v.serverEnd().path() != null, Named.as("socket-addressed"))
            .selectKey((k, v) -> v.connectionKey(), Named.as("socket-by-connection-key"))
            .repartition(Repartitioned.<String, SocketEvent>as("socket-by-connection")
                .withKeySerde(keys).withValueSerde(SocketEvent.SERDE))
            .split(Named.as("socket-"))
            .branch((k, v) -> v.client(), Branched.as("clients"))
            .defaultBranch(Branched.as("servers"));
        return sides.get("socket-clients")
            .outerJoin(sides.get("socket-servers"), ConnectionPairing::pair,
                JoinWindows.ofTimeDifferenceAndGrace(options.joinWindow(), options.joinGrace()),
                StreamJoined.<String, SocketEvent, SocketEvent>with(keys, SocketEvent.SERDE, SocketEvent.SERDE)
                    .withName("connection-join").withStoreName("connection-join"))
            .filter((k, v) -> v != null, Named.as("connection-evidence"));
    }

    /** Joins the two sides of a connection; one side alone (after the window) is an EXTERNAL endpoint. */
    private static GraphEvent pair(final SocketEvent client, final SocketEvent server) {
        final boolean c = client != null && client.attributed();
        final boolean s = server != null && server.attributed();
        if (c && s) {
            return GraphEvent.connection(client, server);
        }
        if (c) {
            return GraphEvent.external(client);
        }
        if (s) {
            return GraphEvent.external(server);
        }
        return null;
    }
}
