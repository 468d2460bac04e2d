package io.tether.schemas.serde;

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
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Connection;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.CouplingKind;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every type, with optional fields set, so a round trip exercises every field. */
public final class SampleRecords {
    private SampleRecords() {
    }

    public static EventHeader header(final int pid, final long sequence) {
        return EventHeader.newBuilder()
                .setHostId("host-a").setPid(pid).setStartTime(1_700_000_000_000_000L + pid).setPpid(1).setUid(1000)
                .setTimeMicros(1_764_000_000_123_456L + sequence).setSource(CaptureSource.PROBE).setSequence(sequence)
                .setCollectorRun("run-1").setNetns(4026531840L)
                .build();
    }

    static SocketAddress ip(final String ip, final int port) {
        return SocketAddress.newBuilder().setIp(ip).setPort(port).build();
    }

    public static ExecEvent exec() {
        return ExecEvent.newBuilder().setHeader(header(4242, 1)).setExecutable("/usr/bin/python3")
                .setArgv(List.of("python3", "/srv/app.py", "--port", "8080")).setCwd("/srv")
                .setProgram("/usr/bin/python3 /srv/app.py").build();
    }

    public static ForkEvent fork() {
        return ForkEvent.newBuilder().setHeader(header(4243, 2)).setParentPid(4242)
                .setParentStartTime(1_700_000_000_004_242L).build();
    }

    public static ExitEvent exit() {
        return ExitEvent.newBuilder().setHeader(header(4243, 3)).setExitCode(137).build();
    }

    public static OpenEvent open() {
        return OpenEvent.newBuilder().setHeader(header(4242, 4)).setPath("/var/lib/app/state.db").setFlags(0102)
                .setMode(AccessMode.WRITE).setCount(3).setSucceeded(true).build();
    }

    public static ConnectEvent connect() {
        return ConnectEvent.newBuilder().setHeader(header(4242, 5)).setProtocol(Protocol.TCP)
                .setLocal(ip("198.18.0.2", 40001)).setRemote(ip("2001:db8::1", 5432)).setError(0).build();
    }

    public static AcceptEvent accept() {
        return AcceptEvent.newBuilder().setHeader(header(77, 6)).setProtocol(Protocol.UNIX_STREAM)
                .setLocal(SocketAddress.newBuilder().setPath("/run/app.sock").build())
                .setRemote(SocketAddress.newBuilder().setPath("@abstract-peer").build()).build();
    }

    public static MigrationSet migrationSet() {
        final String a = "/usr/bin/python3 /srv/app.py@host-a";
        final String b = "/usr/lib/postgresql/bin/postgres@host-b";
        return MigrationSet.newBuilder()
                .setComponentId(a).setUpdatedMicros(1_764_000_000_999_000L)
                .setApps(List.of(
                        AppMember.newBuilder().setAp(a).setHost("host-a").setProgram("/usr/bin/python3 /srv/app.py")
                                .setPids(List.of(4242, 4243)).setSources(List.of(CaptureSource.PROBE)).build(),
                        AppMember.newBuilder().setAp(b).setHost("host-b").setProgram("/usr/lib/postgresql/bin/postgres")
                                .setPids(List.of(77)).setSources(List.of(CaptureSource.PROCSCAN, CaptureSource.PROBE)).build()))
                .setFiles(List.of(FileMember.newBuilder().setHost("host-a").setPath("/var/lib/app/state.db")
                        .setTransfer(Transfer.MOVE)
                        .setOpenedBy(List.of(FileUse.newBuilder().setAp(a).setMode(AccessMode.WRITE).setCount(3).build()))
                        .build()))
                .setConnections(List.of(Connection.newBuilder().setClientAp(a).setServerAp(b)
                        .setClient(ip("198.18.0.2", 40001)).setServer(ip("198.18.0.3", 5432))
                        .setProtocol(Protocol.TCP).setLastSeenMicros(1_764_000_000_500_000L).build()))
                .setExternal(List.of(ExternalEndpoint.newBuilder().setAp(a).setDirection(Direction.OUTBOUND)
                        .setAddress(ip("203.0.113.9", 443)).setLocal(ip("198.18.0.2", 40002))
                        .setProtocol(Protocol.TCP).setLastSeenMicros(1_764_000_000_600_000L).build()))
                .setCouplings(List.of(Coupling.newBuilder().setFrom(a).setTo(b).setKind(CouplingKind.values()[0])
                        .setDetail("connects 198.18.0.3:5432").setLastSeenMicros(1_764_000_000_500_000L).build()))
                .build();
    }

    /** Every input event type and the output record. */
    public static List<SpecificRecord> all() {
        return List.of(exec(), fork(), exit(), open(), connect(), accept(), migrationSet());
    }
}
