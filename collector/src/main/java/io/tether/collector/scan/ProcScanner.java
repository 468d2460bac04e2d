package io.tether.collector.scan;

import io.tether.collector.internals.EventHeaders;
import io.tether.collector.internals.ExecutablePaths;
import io.tether.collector.internals.PseudoFileSystems;
import io.tether.collector.probe.OpenFlags;
import io.tether.collector.probe.ProcessStartTime;
import io.tether.collector.publish.EventSink;
import io.tether.collector.scan.internals.ProcFiles;
import io.tether.collector.scan.internals.ProcessState;
import io.tether.collector.scan.internals.SocketEntry;
import io.tether.collector.scan.internals.SocketTable;
import io.tether.collector.scan.internals.UnixConnections;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.identity.ProgramIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Zero-install capture: walks /proc and reports, as events with source PROCSCAN, what changed since its previous
 * pass — processes that appeared (ExecEvent, also when a known process exec'd another executable) or ended
 * (ExitEvent), regular files they newly hold open (OpenEvent, access mode from fdinfo flags), and TCP
 * connections they newly hold (an established socket whose local port has a LISTEN socket is the server end →
 * AcceptEvent, otherwise ConnectEvent). It misses what opens and closes between two passes; the probe covers that.
 *
 * <p>Unix-domain stream connections are reported like the probe reports them: the process holding the socket
 * accepted from a listener bound to a path gets an AcceptEvent (local: that path; remote: the client's name, "" when
 * unnamed), the process holding its peer a ConnectEvent (remote: that path). /proc/net/unix does not name peers, so
 * they come from the kernel's sock_diag through {@code ss} (see {@code UnixPeers}); when it cannot be run, those
 * connections wait for a later pass and the failure is counted. Connections across network namespaces over a
 * shared file system and listeners already closed are not reported. Listening sockets are listed in the
 * {@link ScanResult}.
 *
 * <p>Entries that cannot be read (/proc/1 is permission-denied even for root in some containers; processes
 * exit mid-scan) are skipped and counted, never fatal. A process that becomes unreadable is not reported as
 * ended while its /proc directory still exists.
 *
 * <p>Not thread-safe: one scanner is driven by one thread.
 */
public final class ProcScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcScanner.class);
    /** Passes a connected Unix socket without a peer is looked at again before it counts as settled. */
    private static final int MAX_UNPAIRED_PASSES = 5;
    private static final Duration PEER_QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** How far back the exec of a process first seen by a scan may be dated (see its use). */
    private static final long FIRST_SIGHT_BACKDATE_MICROS = 10_000_000L;

    private final String hostId;
    private final Path procRoot;
    private final NetnsScope scope;
    private final boolean includePseudoFiles;
    private final Clock clock;
    private final ProcessStartTime startTimes;
    private final AtomicLong unreadableTotal = new AtomicLong();
    /** The collector's own network namespace, whose Unix socket peers need no nsenter; -1 when unknown. */
    private final long ownNetns;
    private boolean peerQueryWarned;
    private Map<Integer, ProcessState> known = new HashMap<>();

    public ProcScanner(final String hostId, final Path procRoot, final NetnsScope scope,
                       final boolean includePseudoFiles, final Clock clock) {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.includePseudoFiles = includePseudoFiles;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startTimes = ProcessStartTime.ofBootTime(ProcessStartTime.bootTimeSeconds(procRoot.resolve("stat")));
        this.ownNetns = ownNamespace(procRoot);
    }

    private static long ownNamespace(final Path procRoot) {
        try {
            return NetnsScope.namespaceInode(procRoot.resolve("self/ns/net"));
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A scanner of the real /proc with the system clock, leaving pseudo file systems out. */
    public static ProcScanner of(final String hostId, final NetnsScope scope) {
        return new ProcScanner(hostId, Path.of("/proc"), scope, false, Clock.systemUTC());
    }

    /** Total /proc entries skipped as unreadable since this scanner was created. */
    public long unreadableTotal() {
        return unreadableTotal.get();
    }

    /** One pass: emits the changes since the previous pass to {@code sink}. */
    public ScanResult scan(final EventSink sink) {
        final long started = System.nanoTime();
        final Pass pass = new Pass(sink, micros(clock.instant()));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(procRoot, ProcScanner::isPidDir)) {
            for (final Path dir : dirs) {
                pass.process(dir);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list " + procRoot, e);
        }
        pass.finish();
        unreadableTotal.addAndGet(pass.unreadable);
        return new ScanResult(pass.next.size(), pass.events, pass.unreadable, List.copyOf(pass.listening),
                System.nanoTime() - started);
    }

    private static boolean isPidDir(final Path path) {
        final String name = path.getFileName().toString();
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long micros(final Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /** Whether a path names a regular file worth reporting (pseudo file systems left out unless asked for). */
    boolean reportable(final String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        return includePseudoFiles || !PseudoFileSystems.isPseudo(path);
    }

    /** State of one pass over /proc. */
    private final class Pass {
        final EventSink sink;
        final long now;
        final Map<Integer, ProcessState> next = new HashMap<>();
        final Map<Long, SocketTable> tables = new HashMap<>();
        final Set<Long> unreadableNamespaces = new HashSet<>();
        final Map<Long, UnixConnections> unixTables = new HashMap<>();
        final Set<Long> unixUnavailable = new HashSet<>();
        final List<ListeningSocket> listening = new ArrayList<>();
        int unreadable;
        int events;

        Pass(final EventSink sink, final long now) {
            this.sink = sink;
            this.now = now;
        }

        void process(final Path dir) {
            final int pid = Integer.parseInt(dir.getFileName().toString());
            final ProcessState previous = known.get(pid);
            final long netns;
            final long[] stat;
            try {
                netns = NetnsScope.namespaceInode(dir.resolve("ns/net"));
                if (!scope.covers(netns)) {
                    return;
                }
                stat = ProcFiles.ppidAndStartTicks(dir);
            } catch (final IOException | RuntimeException e) {
                skipped(pid, previous);
                return;
            }
            final long startTime = startTimes.epochMicros(stat[1]);
            ProcessState state = previous != null && previous.startTime == startTime ? previous : null;
            if (previous != null && state == null) {
                // the pid was reused between two passes: the old instance ended before the new one started
                emit(ExitEvent.newBuilder().setHeader(header(previous, now)).setExitCode(null).build());
                known.remove(pid);
            }
            final String exe;
            try {
                exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
            } catch (final NoSuchFileException kernelThreadOrGone) {
                // kernel threads have no executable; a process that just exited has no directory left
                if (state != null && Files.isDirectory(dir)) {
                    next.put(pid, state);
                }
                return;
            } catch (final IOException e) {
                skipped(pid, state);
                return;
            }
            try {
                if (state == null || !exe.equals(state.executable)) {
                    state = execed(dir, pid, startTime, (int) stat[0], exe, netns, state);
                }
                state.ppid = (int) stat[0];
                next.put(pid, state);
                sockets(dir, state, files(dir, state));
            } catch (final IOException e) {
                skipped(pid, state);
            }
        }

        private void skipped(final int pid, final ProcessState state) {
            unreadable++;
            if (state != null && Files.isDirectory(procRoot.resolve(Integer.toString(pid)))) {
                // still there, only unreadable right now: not an exit
                next.put(pid, state);
            }
        }

        private ProcessState execed(final Path dir, final int pid, final long startTime, final int ppid,
                                    final String rawExe, final long netns, final ProcessState sameInstance)
                throws IOException {
            final List<String> argv = ProcFiles.cmdline(dir);
            String cwd = null;
            try {
                cwd = Files.readSymbolicLink(dir.resolve("cwd")).toString();
            } catch (final IOException e) {
                // cwd is optional in ExecEvent; a relative script path then stays relative
            }
            final String exe = ExecutablePaths.of(rawExe, argv, cwd);
            final ProcessState state = sameInstance != null ? sameInstance : new ProcessState(pid, startTime);
            state.executable = rawExe;
            state.uid = ProcFiles.uid(dir);
            state.ppid = ppid;
            state.netns = scope.coversAll() ? netns : null;
            // A process first seen ran its program since it started; a known one exec'd between two passes.
            // A long-running process is stamped with the time we first saw it, not its start: the streams app keeps
            // only a bounded history of the PID table in event time, and an exec dated hours back would fall
            // outside it and leave the process's events unattributed. header.startTime still names the instance.
            final long when = sameInstance == null ? Math.max(startTime, now - FIRST_SIGHT_BACKDATE_MICROS) : now;
            emit(ExecEvent.newBuilder()
                    .setHeader(header(state, when))
                    .setExecutable(exe)
                    .setArgv(argv)
                    .setCwd(cwd)
                    .setProgram(ProgramIdentity.of(exe, argv, cwd))
                    .build());
            return state;
        }

        /** Reports newly held regular files and returns the inodes of the sockets the process holds. */
        private List<Long> files(final Path dir, final ProcessState state) throws IOException {
            final Map<Integer, String> current = new HashMap<>();
            final List<Long> socketInodes = new ArrayList<>();
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
                for (final Path fdPath : fds) {
                    final String fd = fdPath.getFileName().toString();
                    final String target;
                    try {
                        target = Files.readSymbolicLink(fdPath).toString();
                    } catch (final IOException closedMeanwhile) {
                        continue;
                    }
                    if (target.startsWith("socket:[")) {
                        socketInodes.add(Long.parseLong(target, 8, target.length() - 1, 10));
                        continue;
                    }
                    final String path = ProcFiles.liveTarget(target);
                    if (path == null || !reportable(path)) {
                        continue; // pipes, anon inodes, deleted files, pseudo file systems
                    }
                    final int number = Integer.parseInt(fd);
                    current.put(number, path);
                    if (path.equals(state.files.get(number))) {
                        continue;
                    }
                    final int flags;
                    try {
                        flags = ProcFiles.fdFlags(dir, fd);
                    } catch (final IOException closedMeanwhile) {
                        current.remove(number);
                        continue;
                    }
                    emit(OpenEvent.newBuilder()
                            .setHeader(header(state, now))
                            .setPath(path)
                            .setFlags(flags)
                            .setMode(OpenFlags.accessMode(flags))
                            .setCount(1)
                            .setSucceeded(true)
                            .build());
                }
            }
            state.files = current;
            return socketInodes;
        }

        private void sockets(final Path dir, final ProcessState state, final List<Long> inodes) {
            if (inodes.isEmpty()) {
                state.sockets = new HashSet<>();
                state.unpairedPasses = new HashMap<>();
                return;
            }
            final long netns = state.netns != null ? state.netns : scope.inode();
            final SocketTable table = table(dir, netns);
            if (table == null) {
                return;
            }
            final Set<Long> current = new HashSet<>();
            final Map<Long, Integer> unpaired = new HashMap<>();
            for (final long inode : inodes) {
                final SocketEntry entry = table.get(inode);
                if (entry == null) {
                    // UDP, netlink, an unconnected TCP socket, or one newer than the table (read once per namespace
                    // and pass): not a connection yet, look again next pass
                    continue;
                }
                if (entry.listening()) {
                    current.add(inode);
                    listening.add(entry.kind() == SocketEntry.Kind.TCP
                            ? new ListeningSocket(state.pid, state.startTime, Protocol.TCP, entry.localIp(), entry.localPort(), null)
                            : new ListeningSocket(state.pid, state.startTime, Protocol.UNIX_STREAM, null, 0, entry.path()));
                    continue;
                }
                if (entry.kind() != SocketEntry.Kind.TCP) {
                    if (unixSocket(dir, state, netns, entry, unpaired)) {
                        current.add(inode);
                    }
                    continue;
                }
                if (entry.connecting()) {
                    continue; // not yet a connection: look again next pass
                }
                current.add(inode);
                if (!entry.established() || state.sockets.contains(inode)) {
                    continue;
                }
                final SocketAddress local = new SocketAddress(entry.localIp(), entry.localPort(), null);
                final SocketAddress remote = new SocketAddress(entry.remoteIp(), entry.remotePort(), null);
                if (table.isListening(entry.localIp(), entry.localPort())) {
                    emit(AcceptEvent.newBuilder().setHeader(header(state, now)).setProtocol(Protocol.TCP)
                            .setLocal(local).setRemote(remote).build());
                } else {
                    emit(ConnectEvent.newBuilder().setHeader(header(state, now)).setProtocol(Protocol.TCP)
                            .setLocal(local).setRemote(remote).setError(0).build());
                }
            }
            state.sockets = current;
            state.unpairedPasses = unpaired;
        }

        /**
         * A non-listening Unix-domain socket: a connected stream socket whose peer is a listener's accepted socket
         * becomes an accept (that end) or a connect (the other end), named by the listener's path as the probe
         * names them. Returns whether the socket is settled (reported, or not a connection to report).
         */
        private boolean unixSocket(final Path dir, final ProcessState state, final long netns, final SocketEntry entry,
                                   final Map<Long, Integer> unpaired) {
            final long inode = entry.inode();
            if (entry.kind() == SocketEntry.Kind.UNIX_DGRAM || state.sockets.contains(inode)) {
                return true;
            }
            if (!entry.unixConnected()) {
                return false; // not connected yet: look again next pass
            }
            final UnixConnections connections = unixConnections(dir, netns);
            if (connections == null) {
                return false; // peers unknown this pass (counted): look again next pass
            }
            final UnixConnections.Pairing pairing = connections.pair(inode);
            switch (pairing.side()) {
                case UNPAIRED -> {
                    // waiting to be accepted, or its peer closed (which looks the same): give up after a few passes
                    // so that a half-closed socket does not cost a look-up every pass
                    final int passes = state.unpairedPasses.getOrDefault(inode, 0) + 1;
                    if (passes >= MAX_UNPAIRED_PASSES) {
                        return true;
                    }
                    unpaired.put(inode, passes);
                    return false;
                }
                case SERVER -> emit(AcceptEvent.newBuilder().setHeader(header(state, now))
                        .setProtocol(Protocol.UNIX_STREAM)
                        .setLocal(unixAddress(pairing.localPath())).setRemote(unixAddress(pairing.remotePath()))
                        .build());
                case CLIENT -> emit(ConnectEvent.newBuilder().setHeader(header(state, now))
                        .setProtocol(Protocol.UNIX_STREAM)
                        .setLocal(unixAddress(pairing.localPath())).setRemote(unixAddress(pairing.remotePath()))
                        .setError(0).build());
                case NONE -> {
                    // socketpair, a peer in another namespace, a listener already gone: nothing to report
                }
            }
            return true;
        }

        private UnixConnections unixConnections(final Path dir, final long netns) {
            final UnixConnections cached = unixTables.get(netns);
            if (cached != null || unixUnavailable.contains(netns)) {
                return cached;
            }
            try {
                final UnixConnections connections = UnixConnections.read(dir, ownNetns == netns, PEER_QUERY_TIMEOUT);
                unixTables.put(netns, connections);
                return connections;
            } catch (final IOException | RuntimeException e) {
                // ss missing, nsenter not permitted, the process gone: Unix-domain connections of this namespace
                // wait for a later pass; counted, and said once in the log
                unixUnavailable.add(netns);
                unreadable++;
                if (!peerQueryWarned) {
                    peerQueryWarned = true;
                    LOG.warn("Unix-domain connections are not reported while their peers cannot be asked for ({}); "
                            + "the scanner needs 'ss' (iproute2), and 'nsenter' with CAP_SYS_ADMIN for other network "
                            + "namespaces", e.getMessage());
                }
                return null;
            }
        }

        private SocketTable table(final Path dir, final long netns) {
            final SocketTable cached = tables.get(netns);
            if (cached != null || unreadableNamespaces.contains(netns)) {
                return cached;
            }
            try {
                final SocketTable table = SocketTable.read(dir);
                tables.put(netns, table);
                return table;
            } catch (final IOException | RuntimeException e) {
                // this process may have exited: another process of the namespace gets to try
                unreadable++;
                return null;
            }
        }

        void finish() {
            for (final ProcessState gone : known.values()) {
                final ProcessState still = next.get(gone.pid);
                if (still == gone) {
                    continue;
                }
                emit(ExitEvent.newBuilder().setHeader(header(gone, now)).setExitCode(null).build());
            }
            known = next;
        }

        private SocketAddress unixAddress(final String path) {
            return new SocketAddress(null, 0, path);
        }

        private EventHeader header(final ProcessState state, final long when) {
            return EventHeaders.captured(CaptureSource.PROCSCAN, hostId, state.pid, state.ppid, state.uid,
                    state.startTime, when, state.netns);
        }

        private void emit(final org.apache.avro.specific.SpecificRecord event) {
            events++;
            sink.accept(event);
        }
    }
}
