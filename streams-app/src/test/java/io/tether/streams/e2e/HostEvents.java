package io.tether.streams.e2e;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;

import java.util.List;

/**
 * Test fixture: the input events one process on one host produces, as a collector would publish them (header
 * filled, event time in the header). Every process started a minute before {@code epochMillis}.
 */
public final class HostEvents {

    private final String host;
    private final int pid;
    private final long startMillis;

    private HostEvents(final String host, final int pid, final long startMillis) {
        this.host = host;
        this.pid = pid;
        this.startMillis = startMillis;
    }

    /** The events of process {@code pid} on {@code host}, which started at {@code startMillis}. */
    public static HostEvents process(final String host, final int pid, final long startMillis) {
        return new HostEvents(host, pid, startMillis);
    }

    public ExecEvent exec(final long atMillis, final String program) {
        return ExecEvent.newBuilder().setHeader(header(atMillis)).setExecutable(program).setArgv(List.of(program))
            .setProgram(program).build();
    }

    public OpenEvent open(final long atMillis, final String path, final AccessMode mode) {
        return OpenEvent.newBuilder().setHeader(header(atMillis)).setPath(path).setFlags(mode == AccessMode.WRITE ? 2 : 0)
            .setMode(mode).build();
    }

    public ConnectEvent connect(final long atMillis, final SocketAddress local, final SocketAddress remote) {
        return ConnectEvent.newBuilder().setHeader(header(atMillis)).setProtocol(Protocol.TCP).setLocal(local).setRemote(remote).build();
    }

    public AcceptEvent accept(final long atMillis, final SocketAddress local, final SocketAddress remote) {
        return AcceptEvent.newBuilder().setHeader(header(atMillis)).setProtocol(Protocol.TCP).setLocal(local).setRemote(remote).build();
    }

    public static SocketAddress address(final String ip, final int port) {
        return SocketAddress.newBuilder().setIp(ip).setPort(port).build();
    }

    private EventHeader header(final long atMillis) {
        return EventHeader.newBuilder().setHostId(host).setPid(pid).setStartTime(startMillis * 1000).setPpid(1).setUid(1000)
            .setTimeMicros(atMillis * 1000).setSource(CaptureSource.PROBE).setSequence(atMillis).setCollectorRun("e2e").build();
    }
}
