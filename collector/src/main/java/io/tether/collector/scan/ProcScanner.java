package io.tether.collector.scan;

import io.tether.collector.internals.PseudoFileSystems;
import io.tether.collector.probe.OpenFlags;
import io.tether.collector.probe.ProcessStartTime;
import io.tether.collector.publish.EventSink;
import io.tether.collector.scan.internals.ProcFiles;
import io.tether.collector.scan.internals.ProcessState;
import io.tether.collector.scan.internals.SocketEntry;
import io.tether.collector.scan.internals.SocketTable;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
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
 * <p>Entries that cannot be read (/proc/1 is permission-denied even for root in some containers; processes
 * exit mid-scan) are skipped and counted, never fatal. A process that becomes unreadable is not reported as
 * ended while its /proc directory still exists. Unix-domain connections are not reported: /proc/net/unix does
 * not name a connected socket's peer (that needs sock_diag), so no 4-tuple could be formed; listening Unix
 * sockets are listed in the {@link ScanResult}.
 *
 * <p>Not thread-safe: one scanner is driven by one thread.
 */
public final class ProcScanner {
    /** How far back the exec of a process first seen by a scan may be dated (see its use). */
    private static final long FIRST_SIGHT_BACKDATE_MICROS = 10_000_000L;

    private final String hostId;
    private final Path procRoot;
    private final NetnsScope scope;
    private final boolean includePseudoFiles;
    private final Clock clock;
    private final ProcessStartTime startTimes;
    private final AtomicLong unreadableTotal = new AtomicLong();
    private Map<Integer, ProcessState> known = new HashMap<>();

    public ProcScanner(final String hostId, final Path procRoot, final NetnsScope scope,
                       final boolean includePseudoFiles, final Clock clock) {
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.includePseudoFiles = includePseudoFiles;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startTimes = ProcessStartTime.ofBootTime(ProcessStartTime.bootTimeSeconds(procRoot.resolve("stat")));
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
            final String exe = rawExe.endsWith(" (deleted)") ? rawExe.substring(0, rawExe.length() - 10) : rawExe;
            final List<String> argv = ProcFiles.cmdline(dir);
            String cwd = null;
            try {
                cwd = Files.readSymbolicLink(dir.resolve("cwd")).toString();
            } catch (final IOException e) {
                // cwd is optional in ExecEvent; a relative script path then stays relative
            }
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
                return;
            }
            final long netns = state.netns != null ? state.netns : scope.inode();
            final SocketTable table = table(dir, netns);
            if (table == null) {
                return;
            }
            final Set<Long> current = new HashSet<>();
            for (final long inode : inodes) {
                final SocketEntry entry = table.get(inode);
                if (entry == null) {
                    current.add(inode); // UDP, netlink, …: not a connection
                    continue;
                }
                if (entry.listening()) {
                    current.add(inode);
                    listening.add(entry.kind() == SocketEntry.Kind.TCP
                            ? new ListeningSocket(state.pid, state.startTime, Protocol.TCP, entry.localIp(), entry.localPort(), null)
                            : new ListeningSocket(state.pid, state.startTime, Protocol.UNIX_STREAM, null, 0, entry.path()));
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

        private EventHeader header(final ProcessState state, final long when) {
            return EventHeader.newBuilder()
                    .setHostId(hostId)
                    .setPid(state.pid)
                    .setStartTime(state.startTime)
                    .setPpid(state.ppid)
                    .setUid(state.uid)
                    .setTimeMicros(when)
                    .setSource(CaptureSource.PROCSCAN)
                    .setSequence(0)
                    .setCollectorRun("")
                    .setNetns(state.netns)
                    .build();
        }

        private void emit(final org.apache.avro.specific.SpecificRecord event) {
            events++;
            sink.accept(event);
        }
    }
}
