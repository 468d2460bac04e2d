package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Transfer;
import io.tether.streams.export.MigrationPlan.Blind;
import io.tether.streams.export.MigrationPlan.Checkpoint;
import io.tether.streams.export.MigrationPlan.CriuOption;
import io.tether.streams.export.MigrationPlan.HostPlan;
import io.tether.streams.export.MigrationPlan.Reachability;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.MigrationSetView.App;
import io.tether.streams.query.MigrationSetView.External;
import io.tether.streams.query.MigrationSetView.File;
import io.tether.streams.query.MigrationSetView.Link;
import io.tether.streams.query.MigrationSetView.Use;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a migration set into a {@link MigrationPlan}: what to checkpoint with CRIU and with which options, what
 * to copy, what to move, what must stay reachable and where Tether was blind.
 *
 * <p>CRIU options follow from the evidence the set carries:
 * <ul>
 *   <li>{@code --tcp-established}: the AP had TCP connections in the evidence window; {@code criu dump} refuses
 *       a task with an established TCP socket unless told to checkpoint it (and the peer must keep seeing the
 *       same address, so the source address moves with the process).</li>
 *   <li>{@code --ext-unix-sk}: the AP talked over a Unix socket; its peer is a different dump tree (or not
 *       dumped at all), which CRIU treats as external and refuses without this option.</li>
 *   <li>{@code --file-locks}: the AP writes a shared (MOVE) file. Writers of shared files usually coordinate
 *       with flock/fcntl locks, which Tether does not observe; CRIU refuses to dump a task that holds a lock
 *       without the option and it costs nothing when none is held.</li>
 * </ul>
 * {@code --shell-job} depends on a controlling terminal, which Tether does not record: the plan says so in its
 * steps rather than guess.
 */
public final class MigrationPlanner {

    /** Where the generated {@code criu dump} commands put their images; one directory per host and pid. */
    static final String IMAGES_ROOT = "/var/tmp/tether-checkpoints";

    private static final int EVIDENCE_SHOWN = 3;

    private MigrationPlanner() {
    }

    public static MigrationPlan plan(final MigrationSetView view) {
        final TreeMap<String, List<Checkpoint>> checkpoints = new TreeMap<>();
        final TreeMap<String, List<String>> copies = new TreeMap<>();
        final TreeMap<String, List<String>> moves = new TreeMap<>();
        final List<Blind> blind = new ArrayList<>();
        final Map<String, String> hostOfAp = new HashMap<>();
        for (final App app : view.apps()) {
            hostOfAp.put(app.ap(), app.host());
            checkpoints.computeIfAbsent(app.host(), h -> new ArrayList<>()).add(checkpoint(view, app));
            blindness(app).ifPresent(blind::add);
        }
        for (final File file : view.files()) {
            (Transfer.MOVE.name().equals(file.transfer()) ? moves : copies)
                .computeIfAbsent(file.host(), h -> new ArrayList<>()).add(file.path());
        }
        final Set<String> hosts = new TreeSet<>(checkpoints.keySet());
        hosts.addAll(copies.keySet());
        hosts.addAll(moves.keySet());
        final List<HostPlan> hostPlans = new ArrayList<>();
        for (final String host : hosts) {
            hostPlans.add(new HostPlan(host, checkpoints.getOrDefault(host, List.of()),
                sorted(copies.getOrDefault(host, List.of())), sorted(moves.getOrDefault(host, List.of()))));
        }

        final List<Reachability> reach = new ArrayList<>();
        final Set<String> externalAddresses = new TreeSet<>();
        for (final External ext : view.external()) {
            reach.add(new Reachability(ext.ap(), hostOfAp.getOrDefault(ext.ap(), ""), ext.direction(), ext.protocol(),
                ext.address(), ext.local() == null ? "" : ext.local()));
            externalAddresses.add(ext.address());
        }
        for (final String address : externalAddresses) {
            blind.add(new Blind(address, "EXTERNAL: no collector watches it, so what it depends on in turn is "
                + "not part of this set"));
        }
        return new MigrationPlan(view.ap(), view.componentId(), view.updated(), hostPlans, reach, blind, steps());
    }

    private static Checkpoint checkpoint(final MigrationSetView view, final App app) {
        final String ap = app.ap();
        final Set<String> tcp = new LinkedHashSet<>();
        final Set<String> unix = new LinkedHashSet<>();
        for (final Link c : view.connections()) {
            final boolean client = c.clientAp().equals(ap);
            if (!client && !c.serverAp().equals(ap)) {
                continue;
            }
            final String service = MigrationSetExports.service(c.server());
            note(c.protocol(), client ? "connects to " + c.serverAp() + " " + service
                : "accepts " + c.clientAp() + " on " + service, tcp, unix);
        }
        for (final External ext : view.external()) {
            if (ext.ap().equals(ap)) {
                note(ext.protocol(), ext.direction().toLowerCase(Locale.ROOT) + " " + ext.address(), tcp, unix);
            }
        }
        final Set<String> lockedFiles = new LinkedHashSet<>();
        for (final File file : view.files()) {
            if (Transfer.MOVE.name().equals(file.transfer())) {
                for (final Use use : file.openedBy()) {
                    if (use.ap().equals(ap) && AccessMode.WRITE.name().equals(use.mode())) {
                        lockedFiles.add(file.path());
                    }
                }
            }
        }
        final List<CriuOption> options = new ArrayList<>();
        if (!tcp.isEmpty()) {
            options.add(new CriuOption("--tcp-established", "TCP connections (" + some(tcp)
                + "): criu refuses to dump established TCP sockets without it; restore needs the same source IP"));
        }
        if (!unix.isEmpty()) {
            options.add(new CriuOption("--ext-unix-sk", "Unix socket peers outside its dump tree (" + some(unix)
                + "): criu refuses to dump a socket whose peer it does not dump without it"));
        }
        if (!lockedFiles.isEmpty()) {
            options.add(new CriuOption("--file-locks", "writes shared files (" + some(lockedFiles)
                + "), which writers usually lock; Tether does not see locks, criu refuses held locks without it and "
                + "it is harmless when none is held"));
        }
        final List<String> commands = new ArrayList<>();
        for (final Integer pid : app.pids()) {
            final StringBuilder cmd = new StringBuilder("criu dump --tree ").append(pid)
                .append(" --images-dir ").append(IMAGES_ROOT).append('/').append(app.host()).append('/').append(pid);
            options.forEach(o -> cmd.append(' ').append(o.option()));
            commands.add(cmd.toString());
        }
        return new Checkpoint(ap, app.program(), app.pids(), options, commands);
    }

    private static Optional<Blind> blindness(final App app) {
        final List<String> sources = app.sources();
        final boolean traced = sources.stream().anyMatch(s -> !CaptureSource.PROCSCAN.name().equals(s));
        if (traced) {
            return Optional.empty();
        }
        if (sources.isEmpty()) {
            return Optional.of(new Blind(app.ap(), "no capture source recorded: treat its files and "
                + "connections as possibly incomplete"));
        }
        return Optional.of(new Blind(app.ap(), "only scanned from /proc, not probed: files and "
            + "connections it opened and closed between two scans are missing; run it under the probe "
            + "(tether run) to see them"));
    }

    private static List<String> steps() {
        return List.of(
            "1. Copy each host's COPY files to the destination ahead of time (only ever read, they do not change): "
                + "rsync -a --files-from=<host>.copy / DEST:/",
            "2. Check that the destination reaches every endpoint under keepReachable (and that INBOUND clients "
                + "can reach the destination at the listed local address).",
            "3. Checkpoint every listed process on every host together, they are coupled: run each criu dump "
                + "command. If a listed pid is an ancestor of another, dump only the ancestor (--tree takes the "
                + "subtree). Add --shell-job for a process started from a terminal: Tether does not record "
                + "controlling terminals.",
            "4. With the writers stopped, move each host's MOVE files: rsync -a --remove-source-files "
                + "--files-from=<host>.move / DEST:/",
            "5. Copy the image directories to the destination and run criu restore --images-dir <dir> with the "
                + "same options as the dump.");
    }

    /** UDP and other datagram sockets need no option: CRIU checkpoints them as they are. */
    private static void note(final String protocol, final String evidence, final Set<String> tcp,
                             final Set<String> unix) {
        if (Protocol.TCP.name().equals(protocol)) {
            tcp.add(evidence);
        } else if (Protocol.UNIX_STREAM.name().equals(protocol) || Protocol.UNIX_DGRAM.name().equals(protocol)) {
            unix.add(evidence);
        }
    }

    private static String some(final Set<String> evidence) {
        final List<String> shown = evidence.stream().limit(EVIDENCE_SHOWN).toList();
        final int more = evidence.size() - shown.size();
        return String.join(", ", shown) + (more > 0 ? " and " + more + " more" : "");
    }

    private static List<String> sorted(final List<String> paths) {
        return paths.stream().sorted().toList();
    }
}
