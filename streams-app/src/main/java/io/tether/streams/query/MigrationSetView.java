package io.tether.streams.query;

import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Connection;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.MigrationSet;

import java.util.List;

/**
 * The migration set of one AP as the HTTP API, the CLI and the page show it (DESIGN.md §3): the component's members,
 * files, connections and external endpoints, plus {@code why}, computed for the queried AP. Serialised by Jackson as
 * is: field names here are the JSON field names, so renaming one is an API change.
 *
 * <p>Beyond the fields DESIGN.md lists, the view carries the component id, the event time of its latest change and
 * the couplings themselves, which the page draws as the graph's edges.
 *
 * @param ap          the queried AP
 * @param componentId the component the AP belongs to (its smallest member)
 * @param updated     ISO-8601 event time of the latest evidence that changed the set
 * @param asOf        the time the set was read as of, or {@code null} for the latest set
 */
public record MigrationSetView(
    String ap,
    String componentId,
    String updated,
    String asOf,
    List<App> apps,
    List<File> files,
    List<Link> connections,
    List<External> external,
    List<Edge> couplings,
    List<WhyPath> why) {

    /** Builds the view of {@code set} for the queried {@code ap}; {@code asOf} is echoed (ISO-8601) or null. */
    public static MigrationSetView of(final String ap, final MigrationSet set, final String asOf) {
        return new MigrationSetView(
            ap,
            set.getComponentId(),
            Addresses.isoMicros(set.getUpdatedMicros()),
            asOf,
            set.getApps().stream().map(App::of).toList(),
            set.getFiles().stream().map(File::of).toList(),
            set.getConnections().stream().map(Link::of).toList(),
            set.getExternal().stream().map(External::of).toList(),
            set.getCouplings().stream().map(Edge::of).toList(),
            WhyPaths.compute(ap, set));
    }

    /** A member AP. */
    public record App(String ap, String host, String program, List<Integer> pids, List<String> sources) {
        static App of(final AppMember app) {
            return new App(app.getAp(), app.getHost(), app.getProgram(), List.copyOf(app.getPids()),
                app.getSources().stream().map(Enum::name).toList());
        }
    }

    /** A file to copy or move with the set. */
    public record File(String host, String path, String transfer, List<Use> openedBy) {
        static File of(final FileMember file) {
            return new File(file.getHost(), file.getPath(), file.getTransfer().name(),
                file.getOpenedBy().stream().map(use -> new Use(use.getAp(), use.getMode().name(), use.getCount())).toList());
        }
    }

    /** How one AP opens a file: {@code READ} or {@code WRITE}, and how often. */
    public record Use(String ap, String mode, long count) {
    }

    /** A connection between two members. */
    public record Link(String clientAp, String serverAp, String client, String server, String protocol, String lastSeen) {
        static Link of(final Connection connection) {
            return new Link(connection.getClientAp(), connection.getServerAp(), Addresses.format(connection.getClient()),
                Addresses.format(connection.getServer()), connection.getProtocol().name(),
                Addresses.isoMicros(connection.getLastSeenMicros()));
        }
    }

    /** An endpoint outside the observed hosts that a member talks to. */
    public record External(String ap, String direction, String address, String local, String protocol, String lastSeen) {
        static External of(final ExternalEndpoint endpoint) {
            return new External(endpoint.getAp(), endpoint.getDirection().name(), Addresses.format(endpoint.getAddress()),
                Addresses.format(endpoint.getLocal()), endpoint.getProtocol().name(),
                Addresses.isoMicros(endpoint.getLastSeenMicros()));
        }
    }

    /** A coupling between two members: an edge of the graph. */
    public record Edge(String from, String to, String kind, String detail, String lastSeen) {
        static Edge of(final Coupling coupling) {
            return new Edge(coupling.getFrom(), coupling.getTo(), coupling.getKind().name(), coupling.getDetail(),
                Addresses.isoMicros(coupling.getLastSeenMicros()));
        }
    }
}
