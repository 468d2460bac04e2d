package io.tether.registry;

import java.util.List;

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
import org.apache.avro.specific.SpecificRecord;

/** One record of every event type, optional fields set, so a round trip carries every kind of field. */
final class SampleEvents {

    static EventHeader header(final int pid, final long sequence) {
        return EventHeader.newBuilder().setHostId("host-a").setPid(pid).setStartTime(1_700_000_000_000_000L + pid)
                .setPpid(1).setUid(1000).setTimeMicros(1_764_000_000_000_000L + sequence)
                .setSource(CaptureSource.PROCSCAN).setSequence(sequence).setCollectorRun("run-7").setNetns(4026531993L)
                .build();
    }

    static ExecEvent exec() {
        return ExecEvent.newBuilder().setHeader(header(4242, 1)).setExecutable("/usr/bin/java")
                .setArgv(List.of("java", "-jar", "/opt/app.jar")).setCwd("/opt").setProgram("/usr/bin/java /opt/app.jar")
                .build();
    }

    static List<SpecificRecord> all() {
        return List.of(
                exec(),
                ForkEvent.newBuilder().setHeader(header(4243, 2)).setParentPid(4242)
                        .setParentStartTime(1_700_000_000_004_242L).build(),
                ExitEvent.newBuilder().setHeader(header(4243, 3)).setExitCode(null).build(),
                OpenEvent.newBuilder().setHeader(header(4242, 4)).setPath("/var/lib/app/data.db").setFlags(02)
                        .setMode(AccessMode.WRITE).setCount(2).setSucceeded(true).build(),
                ConnectEvent.newBuilder().setHeader(header(4242, 5)).setProtocol(Protocol.TCP)
                        .setLocal(SocketAddress.newBuilder().setIp("198.18.0.2").setPort(40000).build())
                        .setRemote(SocketAddress.newBuilder().setIp("2001:db8::5").setPort(5432).build())
                        .setError(111).build(),
                AcceptEvent.newBuilder().setHeader(header(99, 6)).setProtocol(Protocol.UNIX_STREAM)
                        .setLocal(SocketAddress.newBuilder().setPath("/run/db.sock").build())
                        .setRemote(SocketAddress.newBuilder().setPath("").build()).build());
    }

    private SampleEvents() {
    }
}
