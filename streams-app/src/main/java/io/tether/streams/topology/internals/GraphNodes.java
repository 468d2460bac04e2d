package io.tether.streams.topology.internals;

import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Direction;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The in-memory shapes of the coupling graph. Nodes are APs and files; every edge is a piece of {@link Evidence}
 * with the event time it was last seen, so that it can retire when it leaves the window.
 */
final class GraphNodes {
    private GraphNodes() {
    }

    /** An AP: a program on a host, and the evidence that ties it to pids, files, peers and external endpoints. */
    static final class ApNode {
        final String ap;
        final String host;
        final String program;
        Component component;
        final TreeMap<Integer, PidEvidence> pids = new TreeMap<>();
        final Map<String, FileUseEvidence> fileUses = new HashMap<>(4);
        final Map<String, ConnectionEvidence> connections = new HashMap<>(4);
        final Map<String, ExternalEvidence> externals = new HashMap<>(2);

        ApNode(final String ap, final String host, final String program) {
            this.ap = ap;
            this.host = host;
            this.program = program;
        }

        boolean hasEvidence() {
            return !pids.isEmpty() || !fileUses.isEmpty() || !connections.isEmpty() || !externals.isEmpty();
        }
    }

    /**
     * A file {@code (host, path)} and the APs that open it. A file with any writer is a hyper-edge that couples all
     * its users: connectivity goes through the file node, so k users cost k, not k² edges.
     */
    static final class FileNode {
        final String key;
        final String host;
        final String path;
        final TreeMap<String, FileUseEvidence> readers = new TreeMap<>();
        final TreeMap<String, FileUseEvidence> writers = new TreeMap<>();

        FileNode(final String key, final String host, final String path) {
            this.key = key;
            this.host = host;
            this.path = path;
        }

        boolean written() {
            return !writers.isEmpty();
        }

        boolean usedBy(final String ap) {
            return readers.containsKey(ap) || writers.containsKey(ap);
        }

        boolean unused() {
            return readers.isEmpty() && writers.isEmpty();
        }
    }

    /** A connected component of the coupling graph: the APs that share one migration set. */
    static final class Component {
        final TreeSet<String> members = new TreeSet<>();
        long updatedMicros;
        /** The component id under which this component's set was last emitted, null before the first emission. */
        String emittedId;
        boolean alive = true;

        String id() {
            return members.first();
        }
    }

    /** One item of evidence; {@code key} is unique over all kinds and names the item in the evidence store. */
    abstract static class Evidence {
        final String key;
        long lastSeenMicros;
        long count;
        /** Where {@link EvidenceByLastSeen} keeps it: its time bucket, or its sorted set near the cutoff. */
        long expiryBucket;
        boolean expirySorted;

        Evidence(final String key) {
            this.key = key;
        }
    }

    static final class PidEvidence extends Evidence {
        final ApNode ap;
        final int pid;
        int sourceMask;
        /** When the process exited; {@code Long.MIN_VALUE} while it runs. */
        long exitedMicros = Long.MIN_VALUE;

        boolean live() {
            return exitedMicros == Long.MIN_VALUE;
        }

        PidEvidence(final String key, final ApNode ap, final int pid) {
            super(key);
            this.ap = ap;
            this.pid = pid;
        }
    }

    /** The AP opened the file, in one mode: reads and writes retire separately. */
    static final class FileUseEvidence extends Evidence {
        final ApNode ap;
        final FileNode file;
        final boolean write;

        FileUseEvidence(final String key, final ApNode ap, final FileNode file, final boolean write) {
            super(key);
            this.ap = ap;
            this.file = file;
            this.write = write;
        }
    }

    /**
     * Client AP connected to server AP at a server address. The client's ephemeral port is not part of the identity
     * (every connection would be a new item); the latest client end is kept for display.
     */
    static final class ConnectionEvidence extends Evidence {
        final ApNode client;
        final ApNode server;
        final Protocol protocol;
        final Endpoint serverEnd;
        Endpoint clientEnd;

        ConnectionEvidence(final String key, final ApNode client, final ApNode server, final Protocol protocol,
                           final Endpoint serverEnd) {
            super(key);
            this.client = client;
            this.server = server;
            this.protocol = protocol;
            this.serverEnd = serverEnd;
        }

        ApNode other(final ApNode node) {
            return node == client ? server : client;
        }
    }

    static final class ExternalEvidence extends Evidence {
        final ApNode ap;
        final Direction direction;
        final Protocol protocol;
        final Endpoint remote;
        Endpoint local;

        ExternalEvidence(final String key, final ApNode ap, final Direction direction, final Protocol protocol,
                         final Endpoint remote) {
            super(key);
            this.ap = ap;
            this.direction = direction;
            this.protocol = protocol;
            this.remote = remote;
        }
    }
}
