package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
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
import io.tether.streams.query.Addresses;
import io.tether.streams.query.MigrationSetView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds migration sets for tests the way the streams app emits them: members sorted, couplings beside them. */
public final class SetBuilder {

    private final List<AppMember> apps = new ArrayList<>();
    private final List<FileMember> files = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<ExternalEndpoint> external = new ArrayList<>();
    private final List<Coupling> couplings = new ArrayList<>();
    private long updatedMicros = 1_700_000_000_000_000L;

    public static SetBuilder set() {
        return new SetBuilder();
    }

    /**
     * The research's Figure 1: AP1 on computer 1 uses files A and B, AP2 on computer 2 uses C and D, AP1 talks
     * to AP2. A and C are only read (COPY); B and D are written (MOVE).
     */
    public static SetBuilder figure1() {
        return set()
            .app("/opt/ap1/bin/ap1", "computer1", List.of(4101, 4102), CaptureSource.PROBE)
            .app("/opt/ap2/bin/ap2", "computer2", List.of(5200), CaptureSource.PROBE)
            .file("computer1", "/srv/ap1/A", Transfer.COPY, use("/opt/ap1/bin/ap1@computer1", AccessMode.READ))
            .file("computer1", "/srv/ap1/B", Transfer.MOVE, use("/opt/ap1/bin/ap1@computer1", AccessMode.WRITE))
            .file("computer2", "/srv/ap2/C", Transfer.COPY, use("/opt/ap2/bin/ap2@computer2", AccessMode.READ))
            .file("computer2", "/srv/ap2/D", Transfer.MOVE, use("/opt/ap2/bin/ap2@computer2", AccessMode.WRITE))
            .tcp("/opt/ap1/bin/ap1@computer1", ip("198.18.0.1", 41000), "/opt/ap2/bin/ap2@computer2", ip("198.18.0.2", 5432));
    }

    public SetBuilder app(final String program, final String host, final List<Integer> pids,
                          final CaptureSource... sources) {
        apps.add(AppMember.newBuilder().setAp(program + "@" + host).setHost(host).setProgram(program)
            .setPids(pids).setSources(List.of(sources)).build());
        return this;
    }

    public SetBuilder file(final String host, final String path, final Transfer transfer, final FileUse... uses) {
        files.add(FileMember.newBuilder().setHost(host).setPath(path).setTransfer(transfer)
            .setOpenedBy(List.of(uses)).build());
        final List<String> writers = List.of(uses).stream().map(FileUse::getAp).toList();
        if (transfer == Transfer.MOVE) {
            for (int i = 1; i < writers.size(); i++) {
                couplings.add(Coupling.newBuilder().setFrom(writers.get(0)).setTo(writers.get(i))
                    .setKind(CouplingKind.SHARES_WRITTEN_FILE).setDetail(host + ":" + path)
                    .setLastSeenMicros(updatedMicros).build());
            }
        }
        return this;
    }

    public SetBuilder tcp(final String clientAp, final SocketAddress client, final String serverAp,
                          final SocketAddress server) {
        return connection(clientAp, client, serverAp, server, Protocol.TCP);
    }

    public SetBuilder connection(final String clientAp, final SocketAddress client, final String serverAp,
                                 final SocketAddress server, final Protocol protocol) {
        connections.add(Connection.newBuilder().setClientAp(clientAp).setServerAp(serverAp).setClient(client)
            .setServer(server).setProtocol(protocol).setLastSeenMicros(updatedMicros).build());
        couplings.add(Coupling.newBuilder().setFrom(clientAp).setTo(serverAp).setKind(CouplingKind.CONNECTS)
            .setDetail("connects " + Addresses.format(server)).setLastSeenMicros(updatedMicros).build());
        return this;
    }

    public SetBuilder external(final String ap, final Direction direction, final SocketAddress address,
                               final SocketAddress local, final Protocol protocol) {
        external.add(ExternalEndpoint.newBuilder().setAp(ap).setDirection(direction).setAddress(address)
            .setLocal(local).setProtocol(protocol).setLastSeenMicros(updatedMicros).build());
        return this;
    }

    public SetBuilder updatedMicros(final long micros) {
        this.updatedMicros = micros;
        return this;
    }

    public MigrationSet build() {
        final List<AppMember> sortedApps = apps.stream().sorted(Comparator.comparing(AppMember::getAp)).toList();
        return MigrationSet.newBuilder()
            .setComponentId(sortedApps.isEmpty() ? "" : sortedApps.get(0).getAp())
            .setUpdatedMicros(updatedMicros)
            .setApps(sortedApps)
            .setFiles(files.stream().sorted(Comparator.comparing(FileMember::getHost).thenComparing(FileMember::getPath)).toList())
            .setConnections(List.copyOf(connections))
            .setExternal(List.copyOf(external))
            .setCouplings(List.copyOf(couplings))
            .build();
    }

    /** The set as the API shows it to {@code ap}. */
    public MigrationSetView view(final String ap) {
        return MigrationSetView.of(ap, build(), null);
    }

    public static FileUse use(final String ap, final AccessMode mode) {
        return FileUse.newBuilder().setAp(ap).setMode(mode).setCount(1).build();
    }

    public static SocketAddress ip(final String ip, final int port) {
        return SocketAddress.newBuilder().setIp(ip).setPort(port).setPath(null).build();
    }

    public static SocketAddress unix(final String path) {
        return SocketAddress.newBuilder().setIp(null).setPort(0).setPath(path).build();
    }
}
