package io.tether.streams.query;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.identity.ApId;
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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Test fixture: builds {@link MigrationSet} values the way the topology emits them (sorted members, couplings). */
public final class MigrationSets {

    private final TreeSet<String> apps = new TreeSet<>();
    private final List<FileMember> files = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<ExternalEndpoint> external = new ArrayList<>();
    private final List<Coupling> couplings = new ArrayList<>();
    private long updatedMicros = 1_700_000_000_000_000L;

    public static MigrationSets builder() {
        return new MigrationSets();
    }

    public MigrationSets app(final String ap) {
        apps.add(ap);
        return this;
    }

    public MigrationSets updatedMicros(final long micros) {
        updatedMicros = micros;
        return this;
    }

    /** A file; uses are "ap=READ" / "ap=WRITE". A writer makes it MOVE and couples its users, as the topology does. */
    public MigrationSets file(final String host, final String path, final String... uses) {
        final List<FileUse> openedBy = new ArrayList<>();
        boolean written = false;
        for (final String use : uses) {
            final String[] parts = use.split("=");
            final AccessMode mode = AccessMode.valueOf(parts[1]);
            written |= mode == AccessMode.WRITE;
            openedBy.add(FileUse.newBuilder().setAp(parts[0]).setMode(mode).setCount(1).build());
            apps.add(parts[0]);
        }
        openedBy.sort(Comparator.comparing(FileUse::getAp));
        files.add(FileMember.newBuilder().setHost(host).setPath(path)
            .setTransfer(written ? Transfer.MOVE : Transfer.COPY).setOpenedBy(openedBy).build());
        if (written) {
            for (int i = 1; i < openedBy.size(); i++) {
                couplings.add(Coupling.newBuilder().setFrom(openedBy.get(0).getAp()).setTo(openedBy.get(i).getAp())
                    .setKind(CouplingKind.SHARES_WRITTEN_FILE).setDetail(host + ":" + path).setLastSeenMicros(updatedMicros).build());
            }
        }
        return this;
    }

    public MigrationSets connects(final String client, final String clientIp, final String server, final String serverIp, final int port) {
        apps.add(client);
        apps.add(server);
        final SocketAddress clientAddress = SocketAddress.newBuilder().setIp(clientIp).setPort(40000).build();
        final SocketAddress serverAddress = SocketAddress.newBuilder().setIp(serverIp).setPort(port).build();
        connections.add(Connection.newBuilder().setClientAp(client).setServerAp(server).setClient(clientAddress)
            .setServer(serverAddress).setProtocol(Protocol.TCP).setLastSeenMicros(updatedMicros).build());
        couplings.add(Coupling.newBuilder().setFrom(client).setTo(server).setKind(CouplingKind.CONNECTS)
            .setDetail("connects " + serverIp + ":" + port).setLastSeenMicros(updatedMicros).build());
        return this;
    }

    public MigrationSets external(final String ap, final String ip, final int port) {
        apps.add(ap);
        external.add(ExternalEndpoint.newBuilder().setAp(ap).setDirection(Direction.OUTBOUND)
            .setAddress(SocketAddress.newBuilder().setIp(ip).setPort(port).build()).setLocal(null)
            .setProtocol(Protocol.TCP).setLastSeenMicros(updatedMicros).build());
        return this;
    }

    public MigrationSet build() {
        final List<AppMember> members = new ArrayList<>();
        for (final String ap : apps) {
            final ApId id = ApId.parse(ap);
            members.add(AppMember.newBuilder().setAp(ap).setHost(id.hostId()).setProgram(id.program())
                .setPids(List.of(100 + members.size())).setSources(List.of(CaptureSource.PROBE)).build());
        }
        files.sort(Comparator.comparing(FileMember::getHost).thenComparing(FileMember::getPath));
        return MigrationSet.newBuilder().setComponentId(apps.first()).setUpdatedMicros(updatedMicros).setApps(members)
            .setFiles(new ArrayList<>(files)).setConnections(new ArrayList<>(connections)).setExternal(new ArrayList<>(external))
            .setCouplings(new ArrayList<>(couplings)).build();
    }
}
