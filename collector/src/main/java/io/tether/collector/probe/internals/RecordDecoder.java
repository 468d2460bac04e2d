package io.tether.collector.probe.internals;

import io.tether.collector.internals.EventHeaders;
import io.tether.collector.internals.ExecutablePaths;
import io.tether.collector.probe.IpText;
import io.tether.collector.probe.OpenFlags;
import io.tether.collector.probe.ProcessStartTime;
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
import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one slot's bytes (layout in {@link RingLayout}) into the generated Avro event, header filled except
 * sequence and collectorRun (the sink assigns them). Every length is checked against the slot: the bytes come from
 * other processes, so a bad record raises {@link MalformedRecordException} instead of reading garbage.
 */
public final class RecordDecoder {
    private final String hostId;
    private final ProcessStartTime startTime;

    public RecordDecoder(final String hostId, final ProcessStartTime startTime) {
        this.hostId = hostId;
        this.startTime = startTime;
    }

    /** Thrown for a slot whose content does not follow the layout. */
    public static final class MalformedRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(final String message) {
            super(message);
        }
    }

    public static boolean truncated(final byte[] slot) {
        return (ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN).getShort(RingLayout.SLOT_FLAGS)
                & RingLayout.FLAG_TRUNCATED) != 0;
    }

    private static ByteBuffer le(final byte[] slot) {
        return ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static int type(final byte[] slot) {
        return le(slot).getShort(RingLayout.SLOT_TYPE) & 0xffff;
    }

    public static int pid(final byte[] slot) {
        return le(slot).getInt(RingLayout.SLOT_PID);
    }

    public static int ppid(final byte[] slot) {
        return le(slot).getInt(RingLayout.SLOT_PPID);
    }

    /** The ring position of a copied slot: the copy keeps the commit word, which a committed slot sets to pos + 1. */
    public static long position(final byte[] slot) {
        return le(slot).getLong(RingLayout.SLOT_COMMIT) - 1;
    }

    public static long timeMicros(final byte[] slot) {
        return le(slot).getLong(RingLayout.SLOT_TIME_MICROS);
    }

    /** The content of an IDENTITY record (not an event: it completes the deferred records of its process). */
    public static ProcessIdentity identity(final byte[] slot, final int used) {
        final ByteBuffer b = checked(slot, used);
        final Body body = new Body(b, RingLayout.SLOT_HEADER_SIZE, b.getInt(RingLayout.SLOT_LENGTH));
        body.need(RingLayout.IDENTITY_FIXED);
        final int exeLen = body.int32();
        body.int32();
        return new ProcessIdentity(b.getLong(RingLayout.SLOT_START_TICKS), body.string(exeLen));
    }

    /**
     * The identity a collector stamped into a deferred EXEC record's slot ({@link RingLayout#FLAG_RESOLVED}): the
     * start ticks in the slot header, the exe after the record's {@code used} bytes. Null without a stamp.
     */
    public static ProcessIdentity stamped(final byte[] slot, final int used) {
        final ByteBuffer b = checked(slot, used);
        if ((b.getShort(RingLayout.SLOT_FLAGS) & RingLayout.FLAG_RESOLVED) == 0 || used + 4 > slot.length) {
            return null;
        }
        final ByteBuffer trailer = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
        final int exeLen = trailer.getInt(used);
        if (exeLen <= 0 || used + 4 + exeLen > slot.length) {
            throw new MalformedRecordException("identity stamp of " + exeLen + " bytes exceeds its slot");
        }
        return new ProcessIdentity(b.getLong(RingLayout.SLOT_START_TICKS),
                new String(slot, used + 4, exeLen, StandardCharsets.UTF_8));
    }

    private static ByteBuffer checked(final byte[] slot, final int used) {
        if (used < RingLayout.SLOT_HEADER_SIZE) {
            throw new MalformedRecordException("slot shorter than its header");
        }
        final ByteBuffer b = ByteBuffer.wrap(slot, 0, used).order(ByteOrder.LITTLE_ENDIAN);
        final int length = b.getInt(RingLayout.SLOT_LENGTH);
        if (length < 0 || RingLayout.SLOT_HEADER_SIZE + length > used) {
            throw new MalformedRecordException("record length " + length + " exceeds its slot");
        }
        return b;
    }

    public SpecificRecord decode(final byte[] slot, final int used) {
        return decode(slot, used, null);
    }

    /**
     * Decodes one record; {@code resolved}, if not null, supplies what the record deferred (its start time, an
     * EXEC's exe), as the collector resolved it or the process's IDENTITY record told.
     */
    public SpecificRecord decode(final byte[] slot, final int used, final ProcessIdentity resolved) {
        final ByteBuffer b = checked(slot, used);
        final int type = b.getShort(RingLayout.SLOT_TYPE) & 0xffff;
        final int flags = b.getShort(RingLayout.SLOT_FLAGS) & 0xffff;
        final int length = b.getInt(RingLayout.SLOT_LENGTH);
        final long startTicks = resolved != null ? resolved.startTicks() : b.getLong(RingLayout.SLOT_START_TICKS);
        final EventHeader header = EventHeaders.captured(CaptureSource.PROBE, hostId, b.getInt(RingLayout.SLOT_PID),
                b.getInt(RingLayout.SLOT_PPID), b.getInt(RingLayout.SLOT_UID), startTime.epochMicros(startTicks),
                b.getLong(RingLayout.SLOT_TIME_MICROS), null);
        header.setProbeSequence(position(slot));
        final Body body = new Body(b, RingLayout.SLOT_HEADER_SIZE, length);
        return switch (type) {
            case RingLayout.REC_EXEC -> exec(header, body, resolved != null ? resolved.exe() : null);
            case RingLayout.REC_FORK -> fork(header, body);
            case RingLayout.REC_EXIT -> exit(header, body, flags);
            case RingLayout.REC_OPEN -> open(header, body);
            case RingLayout.REC_CONNECT -> connect(header, body);
            case RingLayout.REC_ACCEPT -> accept(header, body);
            default -> throw new MalformedRecordException("unknown record type " + type);
        };
    }

    /**
     * The command line an EXEC record holds, as the NUL-terminated bytes /proc/&lt;pid&gt;/cmdline shows for it (a
     * prefix of them when the slot cut the command line), or null when the record is malformed.
     */
    public static byte[] execCommandLine(final byte[] slot, final int used) {
        try {
            final ByteBuffer b = checked(slot, used);
            return ExecBody.read(new Body(b, RingLayout.SLOT_HEADER_SIZE, b.getInt(RingLayout.SLOT_LENGTH))).argv();
        } catch (final MalformedRecordException e) {
            return null;
        }
    }

    private ExecEvent exec(final EventHeader header, final Body body, final String resolvedExe) {
        final ExecBody fields = ExecBody.read(body);
        final String recorded = new String(fields.exe(), StandardCharsets.UTF_8);
        final String exe = recorded.isEmpty() && resolvedExe != null ? resolvedExe : recorded;
        final String cwd = new String(fields.cwd(), StandardCharsets.UTF_8);
        final List<String> argv = argv(fields.argv(), fields.argvCount());
        final String workDir = cwd.isEmpty() ? null : cwd;
        final String executable = exe.isEmpty() && !argv.isEmpty() ? argv.get(0)
                : ExecutablePaths.of(exe, argv, workDir);
        return ExecEvent.newBuilder()
                .setHeader(header)
                .setExecutable(executable)
                .setArgv(argv)
                .setCwd(workDir)
                .setProgram(ProgramIdentity.of(executable, argv, workDir))
                .build();
    }

    /**
     * An EXEC record's body as the probe lays it out (tether_ring.h): argc, argv count, the three lengths, then the
     * exe, the cwd and the NUL-terminated arguments. Read in one place for the decoder and the command-line check.
     */
    private record ExecBody(int argvCount, byte[] exe, byte[] cwd, byte[] argv) {
        static ExecBody read(final Body body) {
            body.need(RingLayout.EXEC_FIXED);
            body.int32(); // argc of the process: more than argv_count when the slot cut the command line
            final int argvCount = body.int32();
            final int exeLen = body.int32();
            final int cwdLen = body.int32();
            final int argvLen = body.int32();
            return new ExecBody(argvCount, body.bytes(exeLen), body.bytes(cwdLen), body.bytes(argvLen));
        }
    }

    private static List<String> argv(final byte[] argvBytes, final int argvCount) {
        final List<String> argv = new ArrayList<>(Math.max(0, argvCount));
        int start = 0;
        for (int i = 0; i < argvBytes.length && argv.size() < argvCount; i++) {
            if (argvBytes[i] == 0) {
                argv.add(new String(argvBytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (argv.size() != argvCount) {
            throw new MalformedRecordException("exec record announces " + argvCount + " arguments, holds " + argv.size());
        }
        return argv;
    }

    private ForkEvent fork(final EventHeader header, final Body body) {
        body.need(RingLayout.FORK_SIZE);
        final int parentPid = body.int32();
        body.int32();
        final long parentStartTicks = body.int64();
        return ForkEvent.newBuilder()
                .setHeader(header)
                .setParentPid(parentPid)
                .setParentStartTime(startTime.epochMicros(parentStartTicks))
                .build();
    }

    private static ExitEvent exit(final EventHeader header, final Body body, final int flags) {
        body.need(RingLayout.EXIT_SIZE);
        final int code = body.int32();
        return ExitEvent.newBuilder()
                .setHeader(header)
                .setExitCode((flags & RingLayout.FLAG_EXIT_CODE_UNKNOWN) != 0 ? null : code & 0xff)
                .build();
    }

    private static OpenEvent open(final EventHeader header, final Body body) {
        body.need(RingLayout.OPEN_FIXED);
        final int flags = body.int32();
        final int result = body.int32();
        final int pathLen = body.int32();
        body.int32();
        final String path = normalise(body.string(pathLen));
        return OpenEvent.newBuilder()
                .setHeader(header)
                .setPath(path)
                .setFlags(flags)
                .setMode(OpenFlags.accessMode(flags))
                .setCount(1)
                .setSucceeded(result >= 0)
                .build();
    }

    /** Lexical normalisation ("/a/./b/../c" → "/a/c"); the probe only made the path absolute. */
    private static String normalise(final String path) {
        if (!path.startsWith("/")) {
            return path;
        }
        try {
            return Path.of(path).normalize().toString();
        } catch (final InvalidPathException e) {
            return path;
        }
    }

    private static ConnectEvent connect(final EventHeader header, final Body body) {
        final Socket s = socket(body);
        return ConnectEvent.newBuilder()
                .setHeader(header)
                .setProtocol(s.protocol)
                .setLocal(s.local)
                .setRemote(s.remote)
                .setError(s.error)
                .build();
    }

    private static AcceptEvent accept(final EventHeader header, final Body body) {
        final Socket s = socket(body);
        return AcceptEvent.newBuilder()
                .setHeader(header)
                .setProtocol(s.protocol)
                .setLocal(s.local)
                .setRemote(s.remote)
                .build();
    }

    private record Socket(int error, Protocol protocol, SocketAddress local, SocketAddress remote) {
    }

    private record RawAddr(int family, int port, int pathLen, byte[] ip) {
    }

    private static Socket socket(final Body body) {
        body.need(RingLayout.SOCKET_FIXED);
        final int error = body.int32();
        final int protocolCode = body.uint16();
        body.uint16();
        final RawAddr local = rawAddr(body);
        final RawAddr remote = rawAddr(body);
        final byte[] localPath = body.bytes(local.pathLen);
        final byte[] remotePath = body.bytes(remote.pathLen);
        final Protocol[] protocols = Protocol.values();
        final Protocol protocol = protocolCode < protocols.length ? protocols[protocolCode] : Protocol.OTHER;
        return new Socket(error, protocol, address(local, localPath), address(remote, remotePath));
    }

    private static RawAddr rawAddr(final Body body) {
        final int family = body.uint16();
        final int port = body.uint16();
        final int pathLen = body.uint16();
        body.uint16();
        return new RawAddr(family, port, pathLen, body.bytes(16));
    }

    private static SocketAddress address(final RawAddr a, final byte[] path) {
        final SocketAddress.Builder out = SocketAddress.newBuilder().setIp(null).setPort(0).setPath(null);
        switch (a.family) {
            case RingLayout.AF_INET -> out.setIp(IpText.format(Arrays.copyOf(a.ip, 4))).setPort(a.port);
            case RingLayout.AF_INET6 -> out.setIp(IpText.format(a.ip)).setPort(a.port);
            case RingLayout.AF_UNIX -> out.setPath(unixPath(path));
            default -> {
                // unknown end (getsockname failed): no address
            }
        }
        return out.build();
    }

    /** Abstract socket names start with a NUL byte: written with a leading '@' like ss(8) and /proc/net/unix. */
    private static String unixPath(final byte[] path) {
        if (path.length > 0 && path[0] == 0) {
            return "@" + new String(path, 1, path.length - 1, StandardCharsets.UTF_8);
        }
        return new String(path, StandardCharsets.UTF_8);
    }

    /** A bounds-checked cursor over a record body. */
    private static final class Body {
        private final ByteBuffer b;
        private final int end;
        private int pos;

        Body(final ByteBuffer b, final int start, final int length) {
            this.b = b;
            this.pos = start;
            this.end = start + length;
        }

        void need(final int n) {
            if (n < 0 || pos + n > end) {
                throw new MalformedRecordException("record body too short: needs " + n + " bytes at " + pos
                        + ", ends at " + end);
            }
        }

        int int32() {
            need(4);
            final int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        int uint16() {
            need(2);
            final int v = b.getShort(pos) & 0xffff;
            pos += 2;
            return v;
        }

        long int64() {
            need(8);
            final long v = b.getLong(pos);
            pos += 8;
            return v;
        }

        byte[] bytes(final int n) {
            need(n);
            final byte[] out = new byte[n];
            b.get(pos, out, 0, n);
            pos += n;
            return out;
        }

        String string(final int n) {
            return new String(bytes(n), StandardCharsets.UTF_8);
        }
    }
}
