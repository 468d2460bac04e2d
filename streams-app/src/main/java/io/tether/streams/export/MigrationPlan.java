package io.tether.streams.export;

import java.util.List;

/**
 * What migrating an AP's migration set involves, per source host. It describes; nothing here executes anything.
 * Serialised as the JSON body of {@code GET /api/v1/plan} and read back by {@code tether plan}.
 *
 * @param ap              the queried AP
 * @param componentId     the migration set's component
 * @param updated         ISO-8601 event time of the evidence the plan is based on
 * @param hosts           one entry per source host, sorted by host
 * @param keepReachable   EXTERNAL endpoints that must stay reachable from (or reach) the destination
 * @param notSeen         what Tether could not observe, so the plan may be incomplete there
 * @param steps           the order in which to carry the plan out
 */
public record MigrationPlan(String ap, String componentId, String updated, List<HostPlan> hosts,
                            List<Reachability> keepReachable, List<Blind> notSeen, List<String> steps) {

    public MigrationPlan {
        hosts = List.copyOf(hosts);
        keepReachable = List.copyOf(keepReachable);
        notSeen = List.copyOf(notSeen);
        steps = List.copyOf(steps);
    }

    /**
     * One source host.
     *
     * @param host       hostId
     * @param checkpoint the APs on this host whose process instances must be checkpointed
     * @param copy       files only ever read: copy them (rsync {@code --files-from} list, absolute paths)
     * @param move       files someone writes: move them after the writers are checkpointed
     */
    public record HostPlan(String host, List<Checkpoint> checkpoint, List<String> copy, List<String> move) {
        public HostPlan {
            checkpoint = List.copyOf(checkpoint);
            copy = List.copyOf(copy);
            move = List.copyOf(move);
        }
    }

    /**
     * The process instances of one AP and the CRIU options their resources need.
     *
     * @param ap       program@host
     * @param program  the program
     * @param pids     process ids seen within the evidence window
     * @param criu     options for both {@code criu dump} and {@code criu restore}, each with the reason
     * @param commands one {@code criu dump} command line per pid
     */
    public record Checkpoint(String ap, String program, List<Integer> pids, List<CriuOption> criu,
                             List<String> commands) {
        public Checkpoint {
            pids = List.copyOf(pids);
            criu = List.copyOf(criu);
            commands = List.copyOf(commands);
        }
    }

    /** A CRIU command-line option and the evidence that calls for it. */
    public record CriuOption(String option, String reason) {
    }

    /**
     * An endpoint outside the observed hosts.
     *
     * @param ap        the member AP that talks to it
     * @param host      that AP's host (the source host)
     * @param direction OUTBOUND: the AP connects to it; INBOUND: it connects to the AP
     * @param protocol  transport
     * @param address   the endpoint's address
     * @param local     the AP's own end, when known (for INBOUND: what clients dial)
     */
    public record Reachability(String ap, String host, String direction, String protocol, String address,
                               String local) {
    }

    /**
     * Something Tether could not see.
     *
     * @param subject an AP or an external address
     * @param reason  why the plan may miss dependencies there
     */
    public record Blind(String subject, String reason) {
    }
}
