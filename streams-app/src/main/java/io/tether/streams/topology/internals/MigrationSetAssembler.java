package io.tether.streams.topology.internals;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Connection;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.CouplingKind;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;
import io.tether.streams.topology.internals.GraphNodes.ApNode;
import io.tether.streams.topology.internals.GraphNodes.Component;
import io.tether.streams.topology.internals.GraphNodes.ConnectionEvidence;
import io.tether.streams.topology.internals.GraphNodes.ExternalEvidence;
import io.tether.streams.topology.internals.GraphNodes.FileNode;
import io.tether.streams.topology.internals.GraphNodes.FileUseEvidence;
import io.tether.streams.topology.internals.GraphNodes.PidEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@link MigrationSet} of one component from the graph. Every list is sorted by a total order, so the
 * same graph always gives the same bytes (replays are byte-identical). Cost: linear in the component's evidence.
 *
 * <p>A file's {@code openedBy} lists the members only: a read-only file shared with other components appears in
 * each of their sets with its own users, so one more reader elsewhere does not touch this set.
 */
final class MigrationSetAssembler {
    private MigrationSetAssembler() {
    }

    static MigrationSet assemble(final Component c, final Map<String, ApNode> aps) {
        final List<AppMember> apps = new ArrayList<>(c.members.size());
        final TreeMap<String, TreeMap<String, long[]>> usesByFile = new TreeMap<>();
        final TreeMap<String, FileNode> filesByKey = new TreeMap<>();
        final TreeMap<String, Connection> connections = new TreeMap<>();
        final TreeMap<String, ExternalEndpoint> externals = new TreeMap<>();
        final TreeMap<String, Coupling> couplings = new TreeMap<>();

        for (final String member : c.members) {
            final ApNode n = aps.get(member);
            int sources = 0;
            final List<Integer> live = new ArrayList<>(n.pids.size());
            for (final PidEvidence p : n.pids.values()) {
                sources |= p.sourceMask;
                if (p.live()) {
                    live.add(p.pid);
                }
            }
            final List<CaptureSource> sourceList = Sources.list(sources);
            // the pids a migration moves: the AP's running processes (exited ones still count as evidence)
            apps.add(new AppMember(n.ap, n.host, n.program, live, sourceList));
            for (final FileUseEvidence use : n.fileUses.values()) {
                // host, then path: '\u0000' sorts before any character of a path
                final String fileKey = use.file.host + '\u0000' + use.file.path;
                filesByKey.putIfAbsent(fileKey, use.file);
                // [write seen (0/1), count, last seen]
                final long[] u = usesByFile.computeIfAbsent(fileKey, k -> new TreeMap<>())
                    .computeIfAbsent(n.ap, k -> new long[] {0, 0, Long.MIN_VALUE});
                if (use.write) {
                    u[0] = 1;
                }
                u[1] += use.count;
                u[2] = Math.max(u[2], use.lastSeenMicros);
            }
            for (final ConnectionEvidence conn : n.connections.values()) {
                if (conn.client != n) {
                    continue; // listed once, from its client
                }
                final String server = conn.serverEnd.toString();
                connections.put(conn.client.ap + '\u0000' + conn.server.ap + '\u0000' + server + '\u0000'
                        + conn.protocol + '\u0000' + conn.clientEnd,
                    new Connection(conn.client.ap, conn.server.ap, conn.clientEnd.toAvro(), conn.serverEnd.toAvro(),
                        conn.protocol, conn.lastSeenMicros));
                if (conn.client != conn.server) {
                    final String detail = "connects " + server;
                    couplings.merge(conn.client.ap + '\u0000' + conn.server.ap + "\u0000CONNECTS\u0000" + detail,
                        coupling(conn.client.ap, conn.server.ap, CouplingKind.CONNECTS, detail,
                            conn.lastSeenMicros),
                        MigrationSetAssembler::later);
                }
            }
            for (final ExternalEvidence x : n.externals.values()) {
                externals.put(x.ap.ap + '\u0000' + x.direction + '\u0000' + x.remote + '\u0000' + x.protocol
                        + '\u0000' + x.local,
                    new ExternalEndpoint(x.ap.ap, x.direction, x.remote.toAvro(),
                        x.local == null ? null : x.local.toAvro(), x.protocol, x.lastSeenMicros));
            }
        }

        final List<FileMember> files = new ArrayList<>(usesByFile.size());
        for (final Map.Entry<String, TreeMap<String, long[]>> entry : usesByFile.entrySet()) {
            final FileNode file = filesByKey.get(entry.getKey());
            final List<FileUse> openedBy = new ArrayList<>(entry.getValue().size());
            for (final Map.Entry<String, long[]> use : entry.getValue().entrySet()) {
                openedBy.add(new FileUse(use.getKey(), use.getValue()[0] == 1 ? AccessMode.WRITE : AccessMode.READ,
                    use.getValue()[1]));
            }
            files.add(new FileMember(file.host, file.path, file.written() ? Transfer.MOVE : Transfer.COPY,
                openedBy));
            if (file.written()) {
                // a star from the first writer to every other user: k-1 edges explain a file of k users
                final String writer = file.writers.firstKey();
                final long writerSeen = file.writers.firstEntry().getValue().lastSeenMicros;
                final String detail = "writes " + file.host + ":" + file.path;
                for (final Map.Entry<String, long[]> use : entry.getValue().entrySet()) {
                    if (!use.getKey().equals(writer)) {
                        couplings.put(writer + '\u0000' + use.getKey() + "\u0000SHARES_WRITTEN_FILE\u0000" + detail,
                            coupling(writer, use.getKey(), CouplingKind.SHARES_WRITTEN_FILE, detail,
                                Math.min(writerSeen, use.getValue()[2])));
                    }
                }
            }
        }

        // all-arguments constructors: the builders validate and copy every field, several times slower
        return new MigrationSet(c.id(), c.updatedMicros, apps, files, new ArrayList<>(connections.values()),
            new ArrayList<>(externals.values()), new ArrayList<>(couplings.values()));
    }

    private static Coupling coupling(final String from, final String to, final CouplingKind kind,
                                     final String detail, final long lastSeen) {
        return new Coupling(from, to, kind, detail, lastSeen);
    }

    private static Coupling later(final Coupling a, final Coupling b) {
        return a.getLastSeenMicros() >= b.getLastSeenMicros() ? a : b;
    }
}
