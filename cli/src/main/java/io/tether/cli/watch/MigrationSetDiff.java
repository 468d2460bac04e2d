package io.tether.cli.watch;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.MigrationSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The difference between two versions of a migration set as the lines {@code tether watch} prints:
 * {@code + /usr/sbin/nginx@web-1  (connects 198.18.0.2:8080)}, {@code - /data/x.db@web-1},
 * {@code ~ /data/x.db@web-1  COPY -> MOVE}. Either side may be null (no set before, or the set retired).
 */
public final class MigrationSetDiff {
    private MigrationSetDiff() {
    }

    public static List<String> lines(final MigrationSet before, final MigrationSet after) {
        final List<String> lines = new ArrayList<>();
        final Map<String, AppMember> oldApps = apps(before);
        final Map<String, AppMember> newApps = apps(after);
        for (final String ap : newApps.keySet()) {
            if (!oldApps.containsKey(ap)) {
                lines.add("+ " + ap + annotation(after, ap));
            }
        }
        for (final String ap : oldApps.keySet()) {
            if (!newApps.containsKey(ap)) {
                lines.add("- " + ap);
            }
        }
        final Map<String, FileMember> oldFiles = files(before);
        final Map<String, FileMember> newFiles = files(after);
        newFiles.forEach((id, file) -> {
            final FileMember old = oldFiles.get(id);
            if (old == null) {
                lines.add("+ " + id + "  " + file.getTransfer() + " (" + users(file) + ")");
            } else if (old.getTransfer() != file.getTransfer()) {
                lines.add("~ " + id + "  " + old.getTransfer() + " -> " + file.getTransfer() + " (" + users(file) + ")");
            }
        });
        oldFiles.keySet().stream().filter(id -> !newFiles.containsKey(id)).forEach(id -> lines.add("- " + id));
        final Map<String, ExternalEndpoint> oldExternal = external(before);
        final Map<String, ExternalEndpoint> newExternal = external(after);
        newExternal.forEach((id, e) -> {
            if (!oldExternal.containsKey(id)) {
                lines.add("+ external " + id);
            }
        });
        oldExternal.keySet().stream().filter(id -> !newExternal.containsKey(id)).forEach(id -> lines.add("- external " + id));
        return lines;
    }

    /** Why a member is in: the first coupling that touches it, e.g. "(connects 198.18.0.2:8080)". */
    private static String annotation(final MigrationSet set, final String ap) {
        if (set.getApps().size() == 1) {
            return "  (alone)";
        }
        for (final Coupling c : set.getCouplings()) {
            if (c.getFrom().equals(ap) || c.getTo().equals(ap)) {
                final String other = c.getFrom().equals(ap) ? c.getTo() : c.getFrom();
                return "  (" + c.getDetail() + ", with " + other + ")";
            }
        }
        return "";
    }

    private static String users(final FileMember file) {
        final List<String> uses = new ArrayList<>();
        file.getOpenedBy().forEach(u -> uses.add((u.getMode() == AccessMode.WRITE ? "written" : "read") + " by " + u.getAp()));
        return String.join(", ", uses);
    }

    private static Map<String, AppMember> apps(final MigrationSet set) {
        final Map<String, AppMember> apps = new TreeMap<>();
        if (set != null) {
            set.getApps().forEach(a -> apps.put(a.getAp(), a));
        }
        return apps;
    }

    private static Map<String, FileMember> files(final MigrationSet set) {
        final Map<String, FileMember> files = new TreeMap<>();
        if (set != null) {
            set.getFiles().forEach(f -> files.put(f.getPath() + "@" + f.getHost(), f));
        }
        return files;
    }

    private static Map<String, ExternalEndpoint> external(final MigrationSet set) {
        final Map<String, ExternalEndpoint> external = new TreeMap<>();
        if (set != null) {
            set.getExternal().forEach(e -> external.put(address(e.getAddress()) + " " + e.getDirection().name().toLowerCase(java.util.Locale.ROOT)
                    + " from " + e.getAp(), e));
        }
        return external;
    }

    static String address(final SocketAddress a) {
        if (a.getPath() != null) {
            return "unix:" + a.getPath();
        }
        final String ip = a.getIp() == null ? "?" : a.getIp();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
