package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Connection;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;
import io.tether.streams.export.MigrationPlan.Blind;
import io.tether.streams.export.MigrationPlan.Checkpoint;
import io.tether.streams.export.MigrationPlan.CriuOption;
import io.tether.streams.export.MigrationPlan.HostPlan;
import io.tether.streams.export.MigrationPlan.Reachability;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    public static MigrationPlan plan(final MigrationSet set, final String ap) {
        final TreeMap<String, List<Checkpoint>> checkpoints = new TreeMap<>();
        final TreeMap<String, List<String>> copies = new TreeMap<>();
        final TreeMap<String, List<String>> moves = new TreeMap<>();
        final List<Blind> blind = new ArrayList<>();
        for (final AppMember app : set.getApps()) {
            checkpoints.computeIfAbsent(app.getHost(), h -> new ArrayList<>()).add(checkpoint(set, app));
            blindness(app).ifPresent(blind::add);
        }
        for (final FileMember file : set.getFiles()) {
            (file.getTransfer() == Transfer.MOVE ? moves : copies)
                .computeIfAbsent(file.getHost(), h -> new ArrayList<>()).add(file.getPath());
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
        for (final ExternalEndpoint ext : set.getExternal()) {
            final String address = Addresses.format(ext.getAddress());
            reach.add(new Reachability(ext.getAp(), hostOf(set, ext.getAp()), ext.getDirection().name(),
                ext.getProtocol().name(), address, ext.getLocal() == null ? "" : Addresses.format(ext.getLocal())));
            externalAddresses.add(address);
        }
        for (final String address : externalAddresses) {
            blind.add(new Blind(address, "EXTERNAL: no collector watches it, so what it depends on in turn is "
                + "not part of this set"));
        }
        return new MigrationPlan(ap, set.getComponentId(), set.getUpdatedMicros(), hostPlans, reach, blind, steps());
    }

    private static Checkpoint checkpoint(final MigrationSet set, final AppMember app) {
        final String ap = app.getAp();
        final Set<String> tcp = new LinkedHashSet<>();
        final Set<String> unix = new LinkedHashSet<>();
        for (final Connection c : set.getConnections()) {
            final boolean client = c.getClientAp().equals(ap);
            if (!client && !c.getServerAp().equals(ap)) {
                continue;
            }
            final String evidence = client
                ? "connects to " + c.getServerAp() + " " + Addresses.service(c.getServer())
                : "accepts " + c.getClientAp() + " on " + Addresses.service(c.getServer());
            note(c.getProtocol(), evidence, tcp, unix);
        }
        for (final ExternalEndpoint ext : set.getExternal()) {
            if (ext.getAp().equals(ap)) {
                final String evidence = ext.getDirection().name().toLowerCase() + " " + Addresses.format(ext.getAddress());
                note(ext.getProtocol(), evidence, tcp, unix);
            }
        }
        final Set<String> lockedFiles = new LinkedHashSet<>();
        for (final FileMember file : set.getFiles()) {
            if (file.getTransfer() == Transfer.MOVE) {
                for (final FileUse use : file.getOpenedBy()) {
                    if (use.getAp().equals(ap) && use.getMode() == AccessMode.WRITE) {
                        lockedFiles.add(file.getPath());
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
        for (final Integer pid : app.getPids()) {
            final StringBuilder cmd = new StringBuilder("criu dump --tree ").append(pid)
                .append(" --images-dir ").append(IMAGES_ROOT).append('/').append(app.getHost()).append('/').append(pid);
            options.forEach(o -> cmd.append(' ').append(o.option()));
            commands.add(cmd.toString());
        }
        return new Checkpoint(ap, app.getProgram(), app.getPids(), options, commands);
    }

    private static Optional<Blind> blindness(final AppMember app) {
        final List<CaptureSource> sources = app.getSources();
        final boolean traced = sources.stream().anyMatch(s -> s != CaptureSource.PROCSCAN);
        if (traced) {
            return Optional.empty();
        }
        if (sources.isEmpty()) {
            return Optional.of(new Blind(app.getAp(), "no capture source recorded: treat its files and "
                + "connections as possibly incomplete"));
        }
        return Optional.of(new Blind(app.getAp(), "only scanned from /proc, not probed: files and "
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

    private static String hostOf(final MigrationSet set, final String ap) {
        for (final AppMember app : set.getApps()) {
            if (app.getAp().equals(ap)) {
                return app.getHost();
            }
        }
        final int at = ap.lastIndexOf('@');
        return at < 0 ? "" : ap.substring(at + 1);
    }

    /** UDP and other datagram sockets need no option: CRIU checkpoints them as they are. */
    private static void note(final Protocol protocol, final String evidence, final Set<String> tcp,
                             final Set<String> unix) {
        if (protocol == Protocol.TCP) {
            tcp.add(evidence);
        } else if (protocol == Protocol.UNIX_STREAM || protocol == Protocol.UNIX_DGRAM) {
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
