package io.tether.bench.e2e;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.identity.ProcessKey;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * A deterministic, realistic event stream for the end-to-end benchmark: {@code groups} small applications spread
 * over {@code hosts} hosts. Each application has a front end on one host that talks to a server on the next host,
 * where a batch job shares the server's data file (written by both, so they couple); everybody reads the shared
 * libraries (read-only, couples nobody). Long-lived masters exec once; the bulk of the stream is short-lived
 * workers: fork, (exec for batch jobs), many opens, connect/accept pairs, the odd external connect, exit.
 *
 * <p>Times are supplied by the caller (history: spread over hours; latency runs: the wall clock), so the same
 * generator serves both. Not thread-safe.
 */
final class EventMix {
    /** One event as it goes to Kafka: topic suffix (an {@link EventKind}), key, record. */
    record Event(EventKind kind, String key, SpecificRecord value) {
    }

    private static final String[] LIBS = {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libssl.so.3",
        "/usr/lib/x86_64-linux-gnu/libz.so.1", "/etc/ld.so.cache", "/etc/resolv.conf", "/etc/hosts",
        "/usr/share/zoneinfo/UTC", "/etc/ssl/certs/ca-certificates.crt"};
    private static final long MASTER_START = 1_700_000_000_000_000L;

    private final int hosts;
    private final int groups;
    private final SplittableRandom random;
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private final int[] nextPid;
    private final int[] nextPort;
    private long startSequence = 1;
    private int groupCursor;
    private boolean mastersDone;

    EventMix(final int hosts, final int groups, final long seed) {
        this.hosts = hosts;
        this.groups = groups;
        this.random = new SplittableRandom(seed);
        this.nextPid = new int[hosts];
        this.nextPort = new int[hosts];
        for (int h = 0; h < hosts; h++) {
            nextPid[h] = 10_000;
            nextPort[h] = 32_768;
        }
    }

    static String host(final int h) {
        return "host-" + h;
    }

    static String ip(final int h) {
        return "198.18.0." + (h + 1);
    }

    int frontendHost(final int g) {
        return g % hosts;
    }

    int serverHost(final int g) {
        return (g + 1) % hosts;
    }

    /** Pid of group g's long-lived server (the target of latency probes). */
    static int serverPid(final int g) {
        return 2000 + g;
    }

    static long masterStartTime(final int pid) {
        return MASTER_START + pid;
    }

    static String frontendProgram(final int g) {
        return "/opt/app-" + g + "/bin/frontend";
    }

    static String serverProgram(final int g) {
        return "/usr/bin/python3 /srv/app-" + g + "/server.py";
    }

    static String batchProgram(final int g) {
        return "/opt/app-" + g + "/bin/batch";
    }

    /** The next event, stamped {@code timeMicros}. The first 3 × groups events exec the long-lived masters. */
    Event next(final long timeMicros) {
        if (pending.isEmpty()) {
            refill(timeMicros);
        }
        final Event e = pending.poll();
        header(e.value()).setTimeMicros(timeMicros);
        return e;
    }

    /** An open that adds a new written file to group g's set: the probe of the latency runs. */
    Event probe(final int g, final String path, final long timeMicros) {
        final int h = serverHost(g);
        final int pid = serverPid(g);
        return new Event(EventKind.OPEN, ProcessKey.of(host(h), pid), OpenEvent.newBuilder()
            .setHeader(header(h, pid, masterStartTime(pid), 1, timeMicros)).setPath(path).setFlags(01101)
            .setMode(AccessMode.WRITE).setCount(1).setSucceeded(true).build());
    }

    /**
     * Events of a process nobody exec'd (so they are attributed to nobody and change no set), far later than the
     * history: they advance stream time so the joins release what they hold for their grace periods.
     */
    static List<Event> streamTimeAdvance(final int n, final long timeMicros) {
        final String host = "stream-clock";
        final int pid = 1 + n;
        final EventHeader h = EventHeader.newBuilder().setHostId(host).setPid(pid).setStartTime(timeMicros).setPpid(1)
            .setUid(0).setTimeMicros(timeMicros).setSource(CaptureSource.PROBE).setSequence(0).setCollectorRun("bench")
            .setNetns(null).build();
        final String key = ProcessKey.of(host, pid);
        return List.of(
            new Event(EventKind.OPEN, key, OpenEvent.newBuilder().setHeader(EventHeader.newBuilder(h).build())
                .setPath("/tmp/clock").setFlags(0).setMode(AccessMode.READ).setCount(1).setSucceeded(true).build()),
            new Event(EventKind.CONNECT, key, ConnectEvent.newBuilder().setHeader(EventHeader.newBuilder(h).build())
                .setProtocol(Protocol.TCP).setLocal(new SocketAddress("198.19.255.1", 20_000 + n, null))
                .setRemote(new SocketAddress("198.19.255.2", 9, null)).setError(0).build()),
            new Event(EventKind.ACCEPT, key, AcceptEvent.newBuilder().setHeader(EventHeader.newBuilder(h).build())
                .setProtocol(Protocol.TCP).setLocal(new SocketAddress("198.19.255.3", 9, null))
                .setRemote(new SocketAddress("198.19.255.4", 20_000 + n, null)).build()));
    }

    private void refill(final long time) {
        if (!mastersDone) {
            for (int g = 0; g < groups; g++) {
                pending.add(exec(frontendHost(g), 1000 + g, masterStartTime(1000 + g), frontendProgram(g), time));
                pending.add(exec(serverHost(g), serverPid(g), masterStartTime(serverPid(g)), serverProgram(g), time));
                pending.add(exec(serverHost(g), 3000 + g, masterStartTime(3000 + g), batchProgram(g), time));
            }
            mastersDone = true;
            return;
        }
        final int g = groupCursor;
        groupCursor = (groupCursor + 1) % groups;
        if (random.nextInt(4) == 0) {
            batchJob(g, time);
        } else {
            frontendWorker(g, time);
        }
    }

    /** A front-end worker: forked by its master (inherits the program), reads config and libs, talks to the server. */
    private void frontendWorker(final int g, final long time) {
        final int h = frontendHost(g);
        final int pid = allocatePid(h);
        final long start = time + startSequence++;
        final int master = 1000 + g;
        pending.add(new Event(EventKind.FORK, ProcessKey.of(host(h), pid), ForkEvent.newBuilder()
            .setHeader(header(h, pid, start, master, time)).setParentPid(master)
            .setParentStartTime(masterStartTime(master)).build()));
        final int opens = 8 + random.nextInt(10);
        for (int i = 0; i < opens; i++) {
            final String path = i == 0 ? "/etc/app-" + g + "/frontend.conf"
                : i % 5 == 0 ? "/var/log/app-" + g + "/frontend.log" : LIBS[random.nextInt(LIBS.length)];
            pending.add(open(h, pid, start, path, i % 5 == 0 ? AccessMode.WRITE : AccessMode.READ, time));
            if (i % 4 == 1) {
                connection(g, h, pid, start, time);
            }
        }
        if (random.nextInt(8) == 0) {
            external(h, pid, start, time);
        }
        pending.add(exit(h, pid, start, time));
    }

    /** A batch job: forked and exec'd by its master's host, writes the data file the server also writes. */
    private void batchJob(final int g, final long time) {
        final int h = serverHost(g);
        final int pid = allocatePid(h);
        final long start = time + startSequence++;
        final int master = 3000 + g;
        pending.add(new Event(EventKind.FORK, ProcessKey.of(host(h), pid), ForkEvent.newBuilder()
            .setHeader(header(h, pid, start, master, time)).setParentPid(master)
            .setParentStartTime(masterStartTime(master)).build()));
        pending.add(exec(h, pid, start, batchProgram(g), time));
        final int opens = 10 + random.nextInt(10);
        for (int i = 0; i < opens; i++) {
            final String path = i == 0 ? "/srv/app-" + g + "/data.db"
                : i % 3 == 0 ? "/srv/app-" + g + "/in/part-" + random.nextInt(200) + ".csv" : LIBS[random.nextInt(LIBS.length)];
            pending.add(open(h, pid, start, path, i == 0 ? AccessMode.WRITE : AccessMode.READ, time));
        }
        // the server writes the same data file from time to time
        final int server = serverPid(g);
        pending.add(open(h, server, masterStartTime(server), "/srv/app-" + g + "/data.db", AccessMode.WRITE, time));
        pending.add(exit(h, pid, start, time));
    }

    /** A connect by the worker and the matching accept by the group's server on the other host. */
    private void connection(final int g, final int h, final int pid, final long start, final long time) {
        final int sh = serverHost(g);
        final int server = serverPid(g);
        final SocketAddress client = new SocketAddress(ip(h), nextPort(h), null);
        final SocketAddress serverEnd = new SocketAddress(ip(sh), 8000 + g, null);
        pending.add(new Event(EventKind.CONNECT, ProcessKey.of(host(h), pid), ConnectEvent.newBuilder()
            .setHeader(header(h, pid, start, 1000 + g, time)).setProtocol(Protocol.TCP).setLocal(client)
            .setRemote(serverEnd).setError(0).build()));
        pending.add(new Event(EventKind.ACCEPT, ProcessKey.of(host(sh), server), AcceptEvent.newBuilder()
            .setHeader(header(sh, server, masterStartTime(server), 1, time)).setProtocol(Protocol.TCP)
            .setLocal(new SocketAddress(serverEnd.getIp(), serverEnd.getPort(), null))
            .setRemote(new SocketAddress(client.getIp(), client.getPort(), null)).build()));
    }

    /** A connect to an unobserved endpoint (an EXTERNAL member once the join window closes). */
    private void external(final int h, final int pid, final long start, final long time) {
        pending.add(new Event(EventKind.CONNECT, ProcessKey.of(host(h), pid), ConnectEvent.newBuilder()
            .setHeader(header(h, pid, start, 1, time)).setProtocol(Protocol.TCP)
            .setLocal(new SocketAddress(ip(h), nextPort(h), null))
            .setRemote(new SocketAddress("198.19." + random.nextInt(4) + ".10", 443, null)).setError(0).build()));
    }

    private Event exec(final int h, final int pid, final long start, final String program, final long time) {
        final List<String> argv = List.of(program.split(" "));
        return new Event(EventKind.EXEC, ProcessKey.of(host(h), pid), ExecEvent.newBuilder()
            .setHeader(header(h, pid, start, 1, time)).setExecutable(argv.get(0)).setArgv(argv).setCwd("/")
            .setProgram(program).build());
    }

    private Event open(final int h, final int pid, final long start, final String path, final AccessMode mode,
                       final long time) {
        return new Event(EventKind.OPEN, ProcessKey.of(host(h), pid), OpenEvent.newBuilder()
            .setHeader(header(h, pid, start, 1, time)).setPath(path)
            .setFlags(mode == AccessMode.WRITE ? 02101 : 0).setMode(mode).setCount(1).setSucceeded(true).build());
    }

    private Event exit(final int h, final int pid, final long start, final long time) {
        return new Event(EventKind.EXIT, ProcessKey.of(host(h), pid), ExitEvent.newBuilder()
            .setHeader(header(h, pid, start, 1, time)).setExitCode(0).build());
    }

    private static EventHeader header(final int h, final int pid, final long start, final int ppid, final long time) {
        return EventHeader.newBuilder().setHostId(host(h)).setPid(pid).setStartTime(start).setPpid(ppid).setUid(1000)
            .setTimeMicros(time).setSource(CaptureSource.PROBE).setSequence(0).setCollectorRun("bench").setNetns(null)
            .build();
    }

    static EventHeader header(final SpecificRecord record) {
        return (EventHeader) record.get(0);
    }

    /** Worker pids cycle through 10000..39999 on each host, so pids are reused (with new start times). */
    private int allocatePid(final int h) {
        final int pid = nextPid[h];
        nextPid[h] = pid >= 39_999 ? 10_000 : pid + 1;
        return pid;
    }

    private int nextPort(final int h) {
        final int port = nextPort[h];
        nextPort[h] = port >= 60_999 ? 32_768 : port + 1;
        return port;
    }
}
