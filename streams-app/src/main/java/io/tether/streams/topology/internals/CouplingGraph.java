package io.tether.streams.topology.internals;

import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Direction;
import io.tether.streams.topology.internals.GraphNodes.ApNode;
import io.tether.streams.topology.internals.GraphNodes.Component;
import io.tether.streams.topology.internals.GraphNodes.ConnectionEvidence;
import io.tether.streams.topology.internals.GraphNodes.Evidence;
import io.tether.streams.topology.internals.GraphNodes.ExternalEvidence;
import io.tether.streams.topology.internals.GraphNodes.FileNode;
import io.tether.streams.topology.internals.GraphNodes.FileUseEvidence;
import io.tether.streams.topology.internals.GraphNodes.PidEvidence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coupling graph and its connected components, maintained incrementally (DESIGN.md §1, §3).
 *
 * <p>Nodes are APs; edges are connections between APs and files that someone writes (a written file is a
 * hyper-edge over all its users, so a file with k users costs k, not k², edges). Components are kept explicitly:
 * <ul>
 *   <li>an edge between two components merges the smaller into the larger (each AP moves O(log n) times over
 *       its life), so adding evidence costs O(log n) amortised, independent of the component's size;</li>
 *   <li>retiring an edge cannot be undone by union-find, so components that lost an edge are re-checked with one
 *       breadth-first search each, once per expiry round, however many of their edges expired in it;</li>
 *   <li>changed components are only marked; {@link #flush()} assembles each changed set once, so a component of
 *       k APs costs O(k) per flush, not per event.</li>
 * </ul>
 * Not thread-safe: one instance belongs to one stream task.
 */
public final class CouplingGraph {
    private static final char SEP = '\u001f';

    private final long windowMicros;
    private final GraphStore store;
    private final Map<String, ApNode> aps = new HashMap<>();
    private final Map<String, FileNode> files = new HashMap<>();
    private final EvidenceByLastSeen expiry;
    private int evidenceCount;

    private final Set<Component> dirty = new LinkedHashSet<>();
    private final Set<String> retiredIds = new HashSet<>();
    private final Map<String, Long> removedAps = new HashMap<>();
    private final Map<String, Component> idOwners = new HashMap<>();
    private final Map<String, String> emittedIndex = new HashMap<>();
    private long flushMicros = Long.MIN_VALUE;
    private long cutoffMicros = Long.MIN_VALUE;
    private boolean restoring;

    public CouplingGraph(final long windowMicros, final GraphStore store) {
        this.windowMicros = windowMicros;
        this.store = store;
        this.expiry = new EvidenceByLastSeen(windowMicros);
    }

    // ---------------------------------------------------------------- evidence in

    /**
     * Adds one piece of evidence. Evidence older than the last expiry cutoff is ignored: it would already have
     * retired.
     *
     * @return whether the evidence was taken
     */
    public boolean apply(final GraphEvent e) {
        if (e.timeMicros() < cutoffMicros) {
            return false;
        }
        final long t = e.timeMicros();
        if (e.kind() == GraphEvent.Kind.EXIT) {
            exit(e, t);
            return true;
        }
        final ApNode node = node(e.host(), e.program(), t);
        if (e.pid() >= 0) {
            pid(node, e.pid(), e.sourceMask(), t);
        }
        switch (e.kind()) {
            case PROCESS -> { }
            case FILE -> fileUse(node, e.path(), e.write(), e.count(), t);
            case CONNECTION -> {
                final ApNode server = node(e.peerHost(), e.peerProgram(), t);
                if (e.peerPid() >= 0) {
                    pid(server, e.peerPid(), e.peerSourceMask(), t);
                }
                connection(node, server, e.protocol(), e.local(), e.remote(), e.count(), t);
            }
            case EXTERNAL -> external(node, e.direction(), e.protocol(), e.local(), e.remote(), e.count(), t);
            default -> throw new IllegalStateException("unknown evidence kind " + e.kind());
        }
        return true;
    }

    /** Re-adds an evidence item read back from the store (after a restart); nothing is written back. */
    public void restoreEvidence(final GraphEvent persisted) {
        restoring = true;
        try {
            apply(persisted);
        } finally {
            restoring = false;
        }
    }

    /** Re-adds an AP → component assignment emitted before a restart, so vanished ids still get tombstones. */
    public void restoreEmitted(final String ap, final String componentId) {
        emittedIndex.put(ap, componentId);
        retiredIds.add(componentId);
        removedAps.put(ap, Long.MIN_VALUE);
    }

    private ApNode node(final String host, final String program, final long t) {
        final String ap = program + "@" + host;
        ApNode node = aps.get(ap);
        if (node == null) {
            node = new ApNode(ap, host, program);
            final Component c = new Component();
            c.members.add(ap);
            node.component = c;
            aps.put(ap, node);
        }
        markDirty(node.component, t);
        return node;
    }

    private PidEvidence pid(final ApNode node, final int pid, final int sourceMask, final long t) {
        PidEvidence ev = node.pids.get(pid);
        final boolean isNew = ev == null;
        if (isNew) {
            ev = new PidEvidence("P" + SEP + node.ap + SEP + pid, node, pid);
            node.pids.put(pid, ev);
        }
        ev.sourceMask |= sourceMask;
        if (!ev.live() && t > ev.exitedMicros) {
            ev.exitedMicros = Long.MIN_VALUE; // the pid runs the program again: a new instance (pid reuse)
            markDirty(node.component, t);
        }
        touch(ev, isNew, t, 1);
        return ev;
    }

    /**
     * A process of an AP exited: it leaves the AP's live pids (the set changes) but stays evidence until it retires.
     * An exit for a pid the graph does not know, or older than what the pid did since, changes nothing.
     */
    private void exit(final GraphEvent e, final long t) {
        if (restoring) {
            pid(node(e.host(), e.program(), t), e.pid(), e.sourceMask(), t).exitedMicros = t;
            return;
        }
        final ApNode node = aps.get(e.ap());
        final PidEvidence ev = node == null ? null : node.pids.get(e.pid());
        if (ev == null || !ev.live() || t < ev.lastSeenMicros) {
            return;
        }
        ev.exitedMicros = t;
        touch(ev, false, t, 0);
        markDirty(node.component, t);
    }

    private void fileUse(final ApNode node, final String path, final boolean write, final long count,
                         final long t) {
        final String fileKey = node.host + SEP + path;
        FileNode file = files.get(fileKey);
        if (file == null) {
            file = new FileNode(fileKey, node.host, path);
            files.put(fileKey, file);
        }
        final Map<String, FileUseEvidence> uses = write ? file.writers : file.readers;
        FileUseEvidence ev = uses.get(node.ap);
        final boolean isNew = ev == null;
        final boolean wasWritten = file.written();
        final boolean wasUser = file.usedBy(node.ap);
        // a user of the written file before this one joins: the newcomer's component merges with its component
        final ApNode anchor = wasWritten && !wasUser ? file.writers.firstEntry().getValue().ap : null;
        if (isNew) {
            ev = new FileUseEvidence("F" + (write ? 'W' : 'R') + SEP + fileKey + SEP + node.ap, node, file, write);
            uses.put(node.ap, ev);
            node.fileUses.put(ev.key, ev);
        }
        touch(ev, isNew, t, count);
        if (file.written()) {
            if (!wasWritten) {
                // the file just became shared mutable state: all its users are coupled from now on
                Component c = node.component;
                for (final String user : allUsers(file)) {
                    c = union(c, aps.get(user).component, t);
                }
            } else if (anchor != null) {
                union(node.component, anchor.component, t);
            }
        }
        markDirty(node.component, t);
    }

    private void connection(final ApNode client, final ApNode server, final Protocol protocol,
                            final Endpoint clientEnd, final Endpoint serverEnd, final long count, final long t) {
        final String key = "C" + SEP + client.ap + SEP + server.ap + SEP + protocol + SEP + serverEnd;
        ConnectionEvidence ev = client.connections.get(key);
        final boolean isNew = ev == null;
        if (isNew) {
            ev = new ConnectionEvidence(key, client, server, protocol, serverEnd);
            client.connections.put(key, ev);
            server.connections.put(key, ev);
        }
        if (isNew || t >= ev.lastSeenMicros) {
            ev.clientEnd = clientEnd;
        }
        touch(ev, isNew, t, count);
        if (client != server) {
            union(client.component, server.component, t);
        }
        markDirty(client.component, t);
    }

    private void external(final ApNode node, final Direction direction, final Protocol protocol,
                          final Endpoint local, final Endpoint remote, final long count, final long t) {
        // outbound: the member's own port is ephemeral; inbound: the service port tells services apart
        final String key = "X" + SEP + node.ap + SEP + direction + SEP + protocol + SEP + remote
            + (direction == Direction.INBOUND ? SEP + String.valueOf(local) : "");
        ExternalEvidence ev = node.externals.get(key);
        final boolean isNew = ev == null;
        if (isNew) {
            ev = new ExternalEvidence(key, node, direction, protocol, remote);
            node.externals.put(key, ev);
        }
        if (isNew || t >= ev.lastSeenMicros) {
            ev.local = local;
        }
        touch(ev, isNew, t, count);
        markDirty(node.component, t);
    }

    /** Records that evidence was seen again; evidence that had already left the window starts over. */
    private void touch(final Evidence ev, final boolean isNew, final long t, final long count) {
        if (isNew) {
            ev.lastSeenMicros = t;
            ev.count = count;
            evidenceCount++;
            expiry.add(ev);
        } else {
            if (ev.lastSeenMicros < t - windowMicros) {
                ev.count = count;
            } else {
                ev.count += count;
            }
            if (t > ev.lastSeenMicros) {
                expiry.beforeSeenAgain(ev);
                ev.lastSeenMicros = t;
                expiry.seenAgain(ev);
            }
        }
        if (!restoring) {
            store.putEvidence(ev.key, persisted(ev));
        }
    }

    // ---------------------------------------------------------------- components

    private Component union(final Component a, final Component b, final long t) {
        if (a == b) {
            return a;
        }
        final Component big = a.members.size() >= b.members.size() ? a : b;
        final Component small = big == a ? b : a;
        for (final String member : small.members) {
            aps.get(member).component = big;
        }
        big.members.addAll(small.members);
        big.updatedMicros = Math.max(big.updatedMicros, small.updatedMicros);
        retire(small);
        markDirty(big, t);
        return big;
    }

    private void retire(final Component c) {
        c.alive = false;
        dirty.remove(c);
        if (c.emittedId != null) {
            retiredIds.add(c.emittedId);
        }
    }

    private void markDirty(final Component c, final long t) {
        c.updatedMicros = Math.max(c.updatedMicros, t);
        dirty.add(c);
        flushMicros = Math.max(flushMicros, t);
    }

    // ---------------------------------------------------------------- expiry

    /**
     * Retires all evidence last seen before {@code cutoffMicros}, and splits the components that lost an edge and
     * are no longer connected.
     */
    public void expire(final long cutoff) {
        if (cutoff <= cutoffMicros) {
            return;
        }
        cutoffMicros = cutoff;
        final Set<Component> recheck = new LinkedHashSet<>();
        long latestExpiry = Long.MIN_VALUE;
        for (Evidence ev = expiry.pollSeenBefore(cutoff); ev != null; ev = expiry.pollSeenBefore(cutoff)) {
            evidenceCount--;
            store.deleteEvidence(ev.key);
            // the moment the evidence left the window: the event time of this change
            final long at = ev.lastSeenMicros + windowMicros;
            latestExpiry = Math.max(latestExpiry, at);
            if (ev instanceof PidEvidence p) {
                p.ap.pids.remove(p.pid);
                afterRemoval(p.ap, at);
            } else if (ev instanceof FileUseEvidence f) {
                final FileNode file = f.file;
                final boolean wasWritten = file.written();
                (f.write ? file.writers : file.readers).remove(f.ap.ap);
                f.ap.fileUses.remove(f.key);
                if (wasWritten && (!file.written() || !file.usedBy(f.ap.ap))) {
                    recheck.add(f.ap.component);
                }
                if (file.unused()) {
                    files.remove(file.key);
                }
                afterRemoval(f.ap, at);
            } else if (ev instanceof ConnectionEvidence c) {
                c.client.connections.remove(c.key);
                c.server.connections.remove(c.key);
                if (c.client != c.server) {
                    recheck.add(c.client.component);
                }
                afterRemoval(c.client, at);
                afterRemoval(c.server, at);
            } else if (ev instanceof ExternalEvidence x) {
                x.ap.externals.remove(x.key);
                afterRemoval(x.ap, at);
            }
        }
        for (final Component c : recheck) {
            if (c.alive) {
                split(c, latestExpiry);
            }
        }
    }

    private void afterRemoval(final ApNode node, final long at) {
        final Component c = node.component;
        if (node.hasEvidence()) {
            markDirty(c, at);
            return;
        }
        if (aps.remove(node.ap) == null) {
            return;
        }
        c.members.remove(node.ap);
        removedAps.put(node.ap, at);
        flushMicros = Math.max(flushMicros, at);
        if (c.members.isEmpty()) {
            retire(c);
        } else {
            markDirty(c, at);
        }
    }

    /** Breadth-first search from each member: one pass over the component's APs and edges. */
    private void split(final Component c, final long at) {
        final Set<String> seen = new HashSet<>();
        final Set<FileNode> seenFiles = new HashSet<>();
        final List<List<String>> pieces = new ArrayList<>();
        for (final String start : c.members) {
            if (!seen.add(start)) {
                continue;
            }
            final List<String> piece = new ArrayList<>();
            final ArrayDeque<ApNode> queue = new ArrayDeque<>();
            queue.add(aps.get(start));
            while (!queue.isEmpty()) {
                final ApNode n = queue.poll();
                piece.add(n.ap);
                for (final ConnectionEvidence conn : n.connections.values()) {
                    final ApNode other = conn.other(n);
                    if (seen.add(other.ap)) {
                        queue.add(other);
                    }
                }
                for (final FileUseEvidence use : n.fileUses.values()) {
                    final FileNode file = use.file;
                    if (file.written() && seenFiles.add(file)) {
                        for (final String user : allUsers(file)) {
                            if (seen.add(user)) {
                                queue.add(aps.get(user));
                            }
                        }
                    }
                }
            }
            pieces.add(piece);
        }
        if (pieces.size() < 2) {
            return;
        }
        final long updated = Math.max(c.updatedMicros, at);
        c.members.clear();
        c.members.addAll(pieces.get(0));
        markDirty(c, updated);
        for (int i = 1; i < pieces.size(); i++) {
            final Component piece = new Component();
            piece.members.addAll(pieces.get(i));
            for (final String member : piece.members) {
                aps.get(member).component = piece;
            }
            markDirty(piece, updated);
        }
    }

    private static Set<String> allUsers(final FileNode file) {
        final Set<String> users = new TreeSet<>(file.writers.keySet());
        users.addAll(file.readers.keySet());
        return users;
    }

    // ---------------------------------------------------------------- output

    /**
     * Emits every component changed since the last flush: its new set under its (possibly new) id, tombstones for
     * ids no component holds any more, and the AP → component assignments that changed.
     */
    public GraphChanges flush() {
        if (dirty.isEmpty() && retiredIds.isEmpty() && removedAps.isEmpty()) {
            return new GraphChanges(List.of(), List.of());
        }
        final List<Component> live = new ArrayList<>(dirty.size());
        for (final Component c : dirty) {
            if (c.alive && !c.members.isEmpty()) {
                live.add(c);
            }
        }
        live.sort(Comparator.comparing(Component::id));
        for (final Component c : live) {
            final String id = c.id();
            if (c.emittedId != null && !c.emittedId.equals(id)) {
                retiredIds.add(c.emittedId);
            }
            c.emittedId = id;
            idOwners.put(id, c);
        }
        final List<GraphChanges.SetChange> sets = new ArrayList<>();
        final List<GraphChanges.IndexChange> index = new ArrayList<>();
        final List<String> retired = new ArrayList<>(retiredIds);
        Collections.sort(retired);
        for (final String id : retired) {
            final Component owner = idOwners.get(id);
            if (owner == null || !owner.alive || !id.equals(owner.emittedId)) {
                idOwners.remove(id);
                sets.add(new GraphChanges.SetChange(id, null, flushMicros));
            }
        }
        for (final Component c : live) {
            sets.add(new GraphChanges.SetChange(c.emittedId, MigrationSetAssembler.assemble(c, aps),
                c.updatedMicros));
            for (final String member : c.members) {
                if (!c.emittedId.equals(emittedIndex.get(member))) {
                    emittedIndex.put(member, c.emittedId);
                    store.putEmitted(member, c.emittedId);
                    index.add(new GraphChanges.IndexChange(member, c.emittedId, c.updatedMicros));
                }
            }
        }
        final List<String> gone = new ArrayList<>(removedAps.keySet());
        Collections.sort(gone);
        for (final String ap : gone) {
            if (!aps.containsKey(ap) && emittedIndex.remove(ap) != null) {
                store.deleteEmitted(ap);
                index.add(new GraphChanges.IndexChange(ap, null, Math.max(removedAps.get(ap), flushMicros)));
            }
        }
        dirty.clear();
        retiredIds.clear();
        removedAps.clear();
        return new GraphChanges(sets, index);
    }

    private GraphEvent persisted(final Evidence ev) {
        if (ev instanceof PidEvidence p) {
            return p.live() ? GraphEvent.process(p.ap.host, p.ap.program, p.pid, p.sourceMask, p.lastSeenMicros)
                : GraphEvent.exit(p.ap.host, p.ap.program, p.pid, p.sourceMask, p.lastSeenMicros);
        }
        if (ev instanceof FileUseEvidence f) {
            return GraphEvent.file(f.ap.host, f.ap.program, -1, 0, f.lastSeenMicros, f.file.path, f.write,
                f.count);
        }
        if (ev instanceof ConnectionEvidence c) {
            return new GraphEvent(GraphEvent.Kind.CONNECTION, c.lastSeenMicros, c.count, c.client.host,
                c.client.program, -1, 0, null, false, c.server.host, c.server.program, -1, 0, c.protocol, null,
                c.clientEnd, c.serverEnd);
        }
        final ExternalEvidence x = (ExternalEvidence) ev;
        return new GraphEvent(GraphEvent.Kind.EXTERNAL, x.lastSeenMicros, x.count, x.ap.host, x.ap.program, -1, 0,
            null, false, null, null, -1, 0, x.protocol, x.direction, x.local, x.remote);
    }

    // ---------------------------------------------------------------- sizes, for metrics and benchmarks

    public int apCount() {
        return aps.size();
    }

    public int fileCount() {
        return files.size();
    }

    public int evidenceCount() {
        return evidenceCount;
    }

    /** Component id of an AP as the graph sees it now (before any flush); null if the AP is not in the graph. */
    public String componentOf(final String ap) {
        final ApNode node = aps.get(ap);
        return node == null ? null : node.component.id();
    }

    /** Sizes of the live components, for tests of the graph's invariants. */
    public Map<String, Integer> componentSizes() {
        final Map<String, Integer> sizes = new TreeMap<>();
        for (final ApNode node : aps.values()) {
            sizes.put(node.component.id(), node.component.members.size());
        }
        return sizes;
    }
}
