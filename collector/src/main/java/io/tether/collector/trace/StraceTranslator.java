package io.tether.collector.trace;

import io.tether.collector.internals.EventHeaders;
import io.tether.collector.internals.PseudoFileSystems;
import io.tether.collector.probe.IpText;
import io.tether.collector.probe.OpenFlags;
import io.tether.collector.probe.ProcessStartTime;
import io.tether.collector.publish.EventSink;
import io.tether.collector.scan.internals.SocketEntry;
import io.tether.collector.scan.internals.SocketTable;
import io.tether.collector.trace.internals.Executables;
import io.tether.collector.trace.internals.ProcTask;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.identity.ProgramIdentity;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@link StraceRecord}s into the events the probe produces (source STRACE) and hands them to an
 * {@link EventSink}. Keeps per traced process: its identity (hostId, pid, startTime), parent, uid and working
 * directory; threads (clone with CLONE_THREAD, or a Tgid other than the task id in /proc) are folded into their
 * process.
 *
 * <p><b>Process identity.</b> The start time comes from /proc/PID/stat through {@link ProcessStartTime}, the formula the
 * probe and the scanner use, read when the trace first mentions the process; strace stops the tracee at each traced
 * call and the reader follows strace through a pipe, so the process normally still lives then. When it is already
 * gone (a short-lived child, a loaded machine) or its pid already belongs to a process that started after the call,
 * the start time is <em>estimated</em> from the time of the call that
 * created it (or of its first traced call), truncated to the clock tick: it is consistent within the trace (every
 * event of that process and the fork of its children carry the same value) but may differ from what the probe or
 * scanner would report for the same process; {@link #estimatedStartTimes()} counts these.
 *
 * <p><b>Parents.</b> A child's first line may come before its parent's clone returns (strace prints tasks as they
 * run). The parent is taken from the clone's return value when seen, else from /proc/PID/status; a child whose
 * parent is not known yet is held back until the clone line names it, so that its ForkEvent comes first.
 * Not thread-safe: one reader thread feeds it.
 */
public final class StraceTranslator {
    /** O_WRONLY|O_CREAT|O_TRUNC: what creat(2) means. */
    static final int CREAT_FLAGS = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC;
    private static final String AT_FDCWD = "-100";
    /**
     * A /proc entry that started after the call we are attributing is another process that reused the pid. Start
     * times (btime in whole seconds plus ticks) and strace's CLOCK_REALTIME stamps may disagree by a second or so,
     * hence the slack (the probe's collector allows the same).
     */
    private static final long CLOCK_SLACK_MICROS = 2_000_000;
    private static final Pattern SOCKET_DECORATION = Pattern.compile("^([A-Za-z0-9-]+):\\[(.*)]$");
    private static final Pattern PORT = Pattern.compile("htons\\((\\d+)\\)");
    private static final Pattern IPV4 = Pattern.compile("inet_addr\\(\"([^\"]+)\"\\)");
    private static final Pattern IPV6 = Pattern.compile("inet_pton\\(AF_INET6, \"([^\"]+)\"");
    private static final Pattern FAMILY = Pattern.compile("AF_([A-Z0-9]+)");
    private static final Pattern OPENHOW_FLAGS = Pattern.compile("flags=(0x[0-9a-f]+|\\d+)");
    private static final Map<String, Integer> ERRNO = Map.ofEntries(
            Map.entry("EPERM", 1), Map.entry("ENOENT", 2), Map.entry("EINTR", 4), Map.entry("EAGAIN", 11),
            Map.entry("EACCES", 13), Map.entry("EINVAL", 22), Map.entry("EPROTOTYPE", 91),
            Map.entry("EAFNOSUPPORT", 97), Map.entry("EADDRINUSE", 98), Map.entry("EADDRNOTAVAIL", 99),
            Map.entry("ENETUNREACH", 101), Map.entry("ECONNRESET", 104), Map.entry("EISCONN", 106),
            Map.entry("ETIMEDOUT", 110), Map.entry("ECONNREFUSED", 111), Map.entry("EHOSTUNREACH", 113),
            Map.entry("EALREADY", 114), Map.entry("EINPROGRESS", 115));

    private final String hostId;
    private final EventSink sink;
    private final ProcTask proc;
    private final ProcessStartTime clock;
    private final boolean noteNetns;
    private final boolean includePseudoFiles;
    private final int ownUid;

    private final Map<Integer, Traced> processes = new HashMap<>();
    private final Map<Integer, Integer> threads = new HashMap<>();
    private final Map<Integer, Clone> clones = new HashMap<>();
    private final Map<Integer, List<StraceRecord>> held = new HashMap<>();
    private int root;

    private long events;
    private long estimatedStartTimes;
    private long unresolvedPaths;
    private long connectsWithoutLocalAddress;
    private long orphans;

    /** One traced process instance. */
    private static final class Traced {
        final int pid;
        final long startTime;
        final int uid;
        final Long netns;
        int ppid;
        String cwd;
        /** Events held back behind a connect that waits for its own address (see {@link #connect}); in order. */
        final ArrayDeque<Object> outbox = new ArrayDeque<>();

        Traced(final int pid, final long startTime, final int ppid, final int uid, final String cwd, final Long netns) {
            this.pid = pid;
            this.startTime = startTime;
            this.ppid = ppid;
            this.uid = uid;
            this.cwd = cwd;
            this.netns = netns;
        }
    }

    /** A connect whose client address is not known yet: published when the close of its fd shows it. */
    private static final class WaitingConnect {
        final int fd;
        final ConnectEvent.Builder event;
        boolean resolved;

        WaitingConnect(final int fd, final ConnectEvent.Builder event) {
            this.fd = fd;
            this.event = event;
        }
    }

    /** A clone/fork seen in the parent: who and when. */
    private record Clone(int parent, long timeMicros) {
    }

    /**
     * @param procRoot           normally /proc
     * @param noteNetns          stamp header.netns with each process's network namespace inode
     * @param includePseudoFiles also report opens under /proc, /sys and /dev (except /dev/shm, always reported)
     */
    public StraceTranslator(final String hostId, final EventSink sink, final Path procRoot, final ProcessStartTime clock,
                            final boolean noteNetns, final boolean includePseudoFiles) {
        this.hostId = hostId;
        this.sink = sink;
        this.proc = new ProcTask(procRoot);
        this.clock = clock;
        this.noteNetns = noteNetns;
        this.includePseudoFiles = includePseudoFiles;
        final ProcTask.Status self = proc.status((int) ProcessHandle.current().pid());
        this.ownUid = self == null ? -1 : self.uid();
    }

    public void accept(final StraceRecord record) {
        final int tid = record.tid();
        if (root == 0) {
            root = tid; // strace's own child: CMD
        }
        int pid = threads.getOrDefault(tid, tid);
        Traced process = processes.get(pid);
        if (process == null) {
            final ProcTask.Status status = proc.status(tid);
            if (status != null && status.tgid() != tid) {
                threads.put(tid, status.tgid());
                pid = status.tgid();
                process = processes.get(pid);
            }
            if (process == null) {
                process = begin(pid, record, status);
                if (process == null) {
                    held.computeIfAbsent(pid, k -> new ArrayList<>()).add(record);
                    return;
                }
            }
        }
        handle(process, tid, record);
    }

    /** Registers a process seen for the first time, or returns null when its parent is not known yet. */
    private Traced begin(final int pid, final StraceRecord first, final ProcTask.Status status) {
        final Clone clone = clones.remove(pid);
        Integer parent = clone != null ? Integer.valueOf(clone.parent()) : null;
        if (parent == null && pid != root && status != null && processes.containsKey(status.ppid())) {
            parent = status.ppid();
        }
        if (parent == null && pid != root) {
            return null;
        }
        final Traced parentProcess = parent == null ? null : processes.get(parent);
        final long forkTime = clone != null ? Math.min(clone.timeMicros(), first.timeMicros()) : first.timeMicros();
        final OptionalLong ticks = proc.startTicks(pid);
        final long startTime;
        if (ticks.isPresent() && clock.epochMicros(ticks.getAsLong()) <= first.timeMicros() + CLOCK_SLACK_MICROS) {
            startTime = clock.epochMicros(ticks.getAsLong());
        } else {
            // gone before we could read /proc: estimate, truncated to the clock tick like a real start time (see above)
            estimatedStartTimes++;
            final long tickMicros = 1_000_000L / ProcessStartTime.CLK_TCK;
            startTime = forkTime / tickMicros * tickMicros;
        }
        final int ppid = parent != null ? parent : status != null ? status.ppid() : 0;
        final int uid = status != null ? status.uid() : parentProcess != null ? parentProcess.uid : ownUid;
        final String readCwd = proc.cwd(pid);
        final String cwd = readCwd != null ? readCwd : parentProcess != null ? parentProcess.cwd : null;
        final Long readNetns = noteNetns ? proc.netns(pid) : null;
        final Long netns = readNetns != null || !noteNetns ? readNetns : parentProcess != null ? parentProcess.netns : null;
        final Traced process = new Traced(pid, startTime, ppid, uid, cwd, netns);
        processes.put(pid, process);
        if (parentProcess != null) {
            emit(process, ForkEvent.newBuilder().setHeader(header(process, forkTime)).setParentPid(parentProcess.pid)
                    .setParentStartTime(parentProcess.startTime).build());
        }
        return process;
    }

    private void handle(final Traced process, final int tid, final StraceRecord record) {
        if (record instanceof StraceRecord.TaskEnd end) {
            if (tid != process.pid) {
                threads.remove(tid); // a thread ended, not the process
                return;
            }
            giveUpWaiting(process); // its sockets closed with it, without a close(2) to show them
            emit(process, ExitEvent.newBuilder().setHeader(header(process, end.timeMicros())).setExitCode(end.exitCode())
                    .build());
            processes.remove(process.pid);
            threads.values().removeIf(owner -> owner == process.pid);
            return;
        }
        final StraceRecord.Syscall call = (StraceRecord.Syscall) record;
        switch (call.name()) {
            case "execve" -> exec(process, call, null, call.arg(0), call.arg(1));
            case "execveat" -> exec(process, call, call.arg(0), call.arg(1), call.arg(2));
            case "clone", "clone3", "fork", "vfork" -> cloned(process, call);
            case "chdir" -> {
                if (call.returnValue() == 0) {
                    final String dir = absolute(process.cwd, StraceSyntax.string(call.arg(0)));
                    process.cwd = dir != null ? dir : process.cwd;
                }
            }
            case "fchdir" -> {
                final String dir = StraceSyntax.decoratedPath(StraceSyntax.decoration(call.arg(0)));
                if (call.returnValue() == 0 && dir != null) {
                    process.cwd = dir;
                }
            }
            case "open" -> open(process, call, null, call.arg(0), flags(call.arg(1)));
            case "creat" -> open(process, call, null, call.arg(0), CREAT_FLAGS);
            case "openat" -> open(process, call, call.arg(0), call.arg(1), flags(call.arg(2)));
            case "openat2" -> {
                final Matcher how = OPENHOW_FLAGS.matcher(call.arg(2));
                open(process, call, call.arg(0), call.arg(1), how.find() ? flags(how.group(1)) : 0);
            }
            case "connect" -> connect(process, call);
            case "close" -> closed(process, call);
            case "accept", "accept4" -> accepted(process, call);
            default -> {
                // other calls (exit_group, ...) carry nothing the events need
            }
        }
    }

    private void exec(final Traced process, final StraceRecord.Syscall call, final String dirfd, final String pathArg,
                      final String argvArg) {
        if (call.returnValue() != 0) {
            return;
        }
        final String given = StraceSyntax.string(pathArg);
        final String file = absolute(dirfd == null ? process.cwd : base(process, dirfd), given);
        if (file == null) {
            unresolvedPaths++;
            return;
        }
        final List<String> argv = StraceSyntax.stringArray(argvArg);
        final Executables.Resolved resolved = Executables.resolve(file, argv.isEmpty() ? List.of(given) : argv);
        emit(process, ExecEvent.newBuilder()
                .setHeader(header(process, call.timeMicros()))
                .setExecutable(resolved.executable())
                .setArgv(resolved.argv())
                .setCwd(process.cwd)
                .setProgram(ProgramIdentity.of(resolved.executable(), resolved.argv(), process.cwd))
                .build());
    }

    private void cloned(final Traced process, final StraceRecord.Syscall call) {
        final long child = call.returnValue();
        if (child <= 0 || child > Integer.MAX_VALUE) {
            return; // failed, or the child's side of a clone (strace shows it only in odd cases)
        }
        final int childId = (int) child;
        final boolean thread = call.args().stream().anyMatch(arg -> arg.contains("CLONE_THREAD"));
        if (thread) {
            threads.put(childId, process.pid);
        } else {
            clones.put(childId, new Clone(process.pid, call.timeMicros()));
        }
        final List<StraceRecord> waiting = held.remove(childId);
        if (waiting != null) {
            waiting.forEach(this::accept);
        }
    }

    private void open(final Traced process, final StraceRecord.Syscall call, final String dirfd, final String pathArg,
                      final int flags) {
        final String given = StraceSyntax.string(pathArg);
        if (given == null || given.isEmpty() || StraceSyntax.truncated(pathArg)) {
            unresolvedPaths++;
            return;
        }
        final String path = absolute(dirfd == null ? process.cwd : base(process, dirfd), given);
        if (path == null) {
            unresolvedPaths++;
            return;
        }
        if (!reportable(path)) {
            return;
        }
        emit(process, OpenEvent.newBuilder()
                .setHeader(header(process, call.timeMicros()))
                .setPath(path)
                .setFlags(flags)
                .setMode(OpenFlags.accessMode(flags))
                .setCount(1)
                .setSucceeded(call.returnValue() >= 0)
                .build());
    }

    /** The directory a dirfd argument stands for; AT_FDCWD's decoration is the cwd, so it refreshes ours. */
    private static String base(final Traced process, final String dirfd) {
        final String decorated = StraceSyntax.decoratedPath(StraceSyntax.decoration(dirfd));
        if (dirfd.startsWith(AT_FDCWD)) {
            if (decorated != null) {
                process.cwd = decorated;
            }
            return process.cwd;
        }
        return decorated;
    }

    private static String absolute(final String base, final String path) {
        if (path == null) {
            return null;
        }
        try {
            if (path.startsWith("/")) {
                return Path.of(path).normalize().toString();
            }
            return base == null || !base.startsWith("/") ? null : Path.of(base).resolve(path).normalize().toString();
        } catch (final InvalidPathException e) {
            return null;
        }
    }

    /** DESIGN.md §2: pseudo file systems are left out by default (the scanner applies the same rule). */
    private boolean reportable(final String path) {
        return includePseudoFiles || !PseudoFileSystems.isPseudo(path);
    }

    private static int flags(final String arg) {
        final OptionalLong numeric = StraceSyntax.leadingNumber(arg);
        if (numeric.isPresent()) {
            return (int) numeric.getAsLong();
        }
        int flags = 0; // symbolic form (without -X verbose): the bits the access mode depends on
        for (final String name : arg.split("[|\\s]+")) {
            flags |= switch (name) {
                case "O_WRONLY" -> OpenFlags.O_WRONLY;
                case "O_RDWR" -> OpenFlags.O_RDWR;
                case "O_CREAT" -> OpenFlags.O_CREAT;
                case "O_TRUNC" -> OpenFlags.O_TRUNC;
                case "O_APPEND" -> OpenFlags.O_APPEND;
                default -> 0;
            };
        }
        return flags;
    }

    private void connect(final Traced process, final StraceRecord.Syscall call) {
        final long result = call.returnValue();
        if (result == Long.MIN_VALUE) {
            return; // interrupted or unfinished: no outcome to report
        }
        final SocketAddress remote = sockaddr(call.arg(1));
        if (remote == null) {
            return; // AF_UNSPEC (dissolve), netlink and other families: not a connection
        }
        final String decoration = StraceSyntax.decoration(call.arg(0));
        final Matcher socket = decoration == null ? null : SOCKET_DECORATION.matcher(decoration);
        final boolean known = socket != null && socket.matches();
        final Protocol protocol = known ? protocol(socket.group(1))
                : remote.getPath() != null ? Protocol.UNIX_STREAM : Protocol.OTHER;
        SocketAddress local = known && socket.group(2).contains("->") ? endpoints(socket.group(2))[0] : null;
        if (local == null && remote.getIp() != null && known) {
            local = localFromProc(process.pid, socket.group(2));
        }
        final int error = result == 0 ? 0 : ERRNO.getOrDefault(call.errno(), -1);
        final ConnectEvent.Builder event = ConnectEvent.newBuilder()
                .setHeader(header(process, call.timeMicros()))
                .setProtocol(protocol)
                .setRemote(remote)
                .setError(error);
        final OptionalLong fd = StraceSyntax.leadingNumber(call.arg(0));
        if (local == null && remote.getIp() != null && fd.isPresent() && (result == 0 || "EINPROGRESS".equals(call.errno()))) {
            // the socket is already gone from /proc (a short connection, a reader behind): its close(2) will show it
            process.outbox.add(new WaitingConnect((int) fd.getAsLong(), event));
            return;
        }
        if (local == null && remote.getIp() != null && result == 0) {
            connectsWithoutLocalAddress++;
        }
        emit(process, event.setLocal(local != null ? local : unknownAddress()).build());
    }

    private static SocketAddress unknownAddress() {
        return SocketAddress.newBuilder().setIp(null).setPort(0).setPath(null).build();
    }

    /** close(fd) with -yy shows the socket's endpoints as they were before it closed: the waiting connect's own end. */
    private void closed(final Traced process, final StraceRecord.Syscall call) {
        if (process.outbox.isEmpty()) {
            return;
        }
        final OptionalLong fd = StraceSyntax.leadingNumber(call.arg(0));
        if (fd.isEmpty()) {
            return;
        }
        for (final Object item : process.outbox) {
            if (item instanceof WaitingConnect waiting && !waiting.resolved && waiting.fd == fd.getAsLong()) {
                final String decoration = StraceSyntax.decoration(call.arg(0));
                final Matcher socket = decoration == null ? null : SOCKET_DECORATION.matcher(decoration);
                final SocketAddress[] ends = socket != null && socket.matches() ? endpoints(socket.group(2)) : null;
                resolve(waiting, ends == null ? null : ends[0]);
                break;
            }
        }
        drain(process);
    }

    private void resolve(final WaitingConnect waiting, final SocketAddress local) {
        if (local == null) {
            connectsWithoutLocalAddress++;
        }
        waiting.event.setLocal(local != null ? local : unknownAddress());
        waiting.resolved = true;
    }

    /** Publishes every waiting connect without its own address (the process ended, the trace ended). */
    private void giveUpWaiting(final Traced process) {
        for (final Object item : process.outbox) {
            if (item instanceof WaitingConnect waiting && !waiting.resolved) {
                resolve(waiting, null);
            }
        }
        drain(process);
    }

    /** Publishes the process's held events up to the first connect still waiting, in their order. */
    private void drain(final Traced process) {
        while (!process.outbox.isEmpty()) {
            final Object head = process.outbox.peekFirst();
            if (head instanceof WaitingConnect waiting) {
                if (!waiting.resolved) {
                    return;
                }
                process.outbox.removeFirst();
                publish(waiting.event.build());
            } else {
                process.outbox.removeFirst();
                publish((org.apache.avro.specific.SpecificRecord) head);
            }
        }
    }

    /**
     * strace decorates connect's fd as it was at entry, before it had a local address ({@code TCP:[inode]}): the
     * client's own address comes from the socket tables of the process's network namespace by that inode while the
     * socket lives; when it is already gone, from the decoration of the close(2) of its fd (see {@link #closed}).
     */
    private SocketAddress localFromProc(final int pid, final String inodeText) {
        final OptionalLong inode = StraceSyntax.leadingNumber(inodeText);
        if (inode.isEmpty() || !inodeText.strip().matches("\\d+")) {
            return null;
        }
        try {
            final SocketEntry entry = SocketTable.read(proc.dir(pid)).get(inode.getAsLong());
            if (entry == null || entry.localIp() == null) {
                return null;
            }
            return SocketAddress.newBuilder().setIp(entry.localIp()).setPort(entry.localPort()).setPath(null).build();
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    private void accepted(final Traced process, final StraceRecord.Syscall call) {
        if (call.returnValue() < 0) {
            return; // EAGAIN on a non-blocking listener, interrupted, ...
        }
        final String decoration = call.returnDecoration();
        final Matcher socket = decoration == null ? null : SOCKET_DECORATION.matcher(decoration);
        if (socket == null || !socket.matches()) {
            return;
        }
        final Protocol protocol = protocol(socket.group(1));
        final SocketAddress[] ends;
        if (socket.group(2).contains("->") && (protocol == Protocol.TCP || protocol == Protocol.UDP)) {
            ends = endpoints(socket.group(2));
        } else {
            // Unix-domain: the listener's decoration may carry the bound path; the client end has none
            final String listener = StraceSyntax.decoration(call.arg(0));
            final int quote = listener == null ? -1 : listener.indexOf('"');
            final String path = quote < 0 ? null : StraceSyntax.string(listener.substring(quote));
            ends = new SocketAddress[] {unix(path), unix(null)};
        }
        if (ends == null) {
            return;
        }
        emit(process, AcceptEvent.newBuilder()
                .setHeader(header(process, call.timeMicros()))
                .setProtocol(protocol)
                .setLocal(ends[0])
                .setRemote(ends[1])
                .build());
    }

    private static SocketAddress unix(final String path) {
        return SocketAddress.newBuilder().setIp(null).setPort(0).setPath(path).build();
    }

    private static Protocol protocol(final String name) {
        return switch (name) {
            case "TCP", "TCPv6" -> Protocol.TCP;
            case "UDP", "UDPv6" -> Protocol.UDP;
            case "UNIX-STREAM", "UNIX" -> Protocol.UNIX_STREAM;
            case "UNIX-DGRAM" -> Protocol.UNIX_DGRAM;
            default -> Protocol.OTHER;
        };
    }

    /** "127.0.0.1:40000->127.0.0.1:8080" or "[::1]:40000->[::1]:8080" as (local, remote); null if unreadable. */
    static SocketAddress[] endpoints(final String pair) {
        final int arrow = pair.indexOf("->");
        if (arrow < 0) {
            return null;
        }
        final SocketAddress local = endpoint(pair.substring(0, arrow));
        final SocketAddress remote = endpoint(pair.substring(arrow + 2));
        return local == null || remote == null ? null : new SocketAddress[] {local, remote};
    }

    private static SocketAddress endpoint(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return ip(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    /** The remote end of a connect from its sockaddr argument; null for families that are not connections. */
    private static SocketAddress sockaddr(final String arg) {
        final Matcher family = FAMILY.matcher(arg);
        if (!family.find()) {
            return null;
        }
        switch (family.group(1)) {
            case "INET", "INET6" -> {
                final Matcher port = PORT.matcher(arg);
                final Matcher address = (family.group(1).equals("INET") ? IPV4 : IPV6).matcher(arg);
                if (!port.find() || !address.find()) {
                    return null;
                }
                return ip(address.group(1), Integer.parseInt(port.group(1)));
            }
            case "UNIX" -> {
                final int path = arg.indexOf("sun_path=");
                if (path < 0) {
                    return unix(null);
                }
                final String value = arg.substring(path + "sun_path=".length());
                final boolean abstractName = value.startsWith("@");
                final String name = StraceSyntax.string(abstractName ? value.substring(1) : value);
                return unix(name == null ? null : abstractName ? "@" + name : name);
            }
            default -> {
                return null;
            }
        }
    }

    /** Canonical IP text (IpText) of a numeric address literal; a literal never causes a name lookup. */
    private static SocketAddress ip(final String literal, final int port) {
        if (literal.isEmpty() || !literal.matches("[0-9a-fA-F:.%]+")) {
            return null;
        }
        try {
            final String ip = IpText.format(InetAddress.getByName(literal.replaceAll("%.*$", "")).getAddress());
            return SocketAddress.newBuilder().setIp(ip).setPort(port).setPath(null).build();
        } catch (final UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    private EventHeader header(final Traced process, final long timeMicros) {
        return EventHeaders.captured(CaptureSource.STRACE, hostId, process.pid, process.ppid, process.uid,
                process.startTime, timeMicros, process.netns);
    }

    /** Publishes now, or behind a connect of the same process that still waits (events of a process stay in order). */
    private void emit(final Traced process, final org.apache.avro.specific.SpecificRecord event) {
        if (process.outbox.isEmpty()) {
            publish(event);
        } else {
            process.outbox.add(event);
        }
    }

    private void publish(final org.apache.avro.specific.SpecificRecord event) {
        events++;
        sink.accept(event);
    }

    /**
     * The trace ended: processes still held back because their parent never showed are published without a fork
     * (their parent is unknown), so that no captured call is lost.
     */
    public void finish() {
        while (!held.isEmpty()) {
            final Map.Entry<Integer, List<StraceRecord>> entry = held.entrySet().iterator().next();
            held.remove(entry.getKey());
            orphans++;
            final List<StraceRecord> records = entry.getValue();
            final ProcTask.Status status = proc.status(entry.getKey());
            final long start = records.get(0).timeMicros();
            final long tickMicros = 1_000_000L / ProcessStartTime.CLK_TCK;
            estimatedStartTimes++;
            final Traced process = new Traced(entry.getKey(), start / tickMicros * tickMicros,
                    status != null ? status.ppid() : 0, status != null ? status.uid() : ownUid, null, null);
            processes.put(process.pid, process);
            records.forEach(r -> handle(process, r.tid(), r));
        }
        for (final Traced process : processes.values()) {
            giveUpWaiting(process); // still running when strace ended (it was detached or killed)
        }
    }

    /** Events handed to the sink. */
    public long events() {
        return events;
    }

    /** Processes whose start time had to be estimated because /proc no longer had them (see the class comment). */
    public long estimatedStartTimes() {
        return estimatedStartTimes;
    }

    /** Opens and execs whose path could not be made absolute (unknown dirfd or cwd, cut string): not published. */
    public long unresolvedPaths() {
        return unresolvedPaths;
    }

    /** IP connects published without the client's own address (the socket was gone before it could be read). */
    public long connectsWithoutLocalAddress() {
        return connectsWithoutLocalAddress;
    }

    /** Processes published without a ForkEvent because their parent's clone never showed. */
    public long orphans() {
        return orphans;
    }
}
