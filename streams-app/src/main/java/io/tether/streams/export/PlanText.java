package io.tether.streams.export;

import io.tether.streams.export.MigrationPlan.Blind;
import io.tether.streams.export.MigrationPlan.Checkpoint;
import io.tether.streams.export.MigrationPlan.CriuOption;
import io.tether.streams.export.MigrationPlan.HostPlan;
import io.tether.streams.export.MigrationPlan.Reachability;

import java.util.List;

/** A {@link MigrationPlan} as text for a terminal, and the rsync {@code --files-from} lists it contains. */
public final class PlanText {

    private PlanText() {
    }

    public static String render(final MigrationPlan plan) {
        final StringBuilder out = new StringBuilder(2048);
        out.append("Migration plan for ").append(plan.ap()).append(" (component ").append(plan.componentId())
            .append(")\n");
        for (final HostPlan host : plan.hosts()) {
            out.append("\nhost ").append(host.host()).append('\n');
            if (!host.checkpoint().isEmpty()) {
                out.append("  checkpoint:\n");
                for (final Checkpoint cp : host.checkpoint()) {
                    out.append("    ").append(cp.ap()).append("  pids ").append(cp.pids()).append('\n');
                    for (final CriuOption option : cp.criu()) {
                        out.append("      ").append(option.option()).append("  ").append(option.reason()).append('\n');
                    }
                    for (final String command : cp.commands()) {
                        out.append("      $ ").append(command).append('\n');
                    }
                }
            }
            list(out, "copy (" + host.host() + ".copy)", host.copy());
            list(out, "move (" + host.host() + ".move)", host.move());
        }
        if (!plan.keepReachable().isEmpty()) {
            out.append("\nkeep reachable from the destination:\n");
            for (final Reachability r : plan.keepReachable()) {
                out.append("  ").append(r.ap()).append(' ').append(r.direction().toLowerCase()).append(' ')
                    .append(r.protocol()).append(' ').append(r.address());
                if (!r.local().isEmpty()) {
                    out.append(" (local end ").append(r.local()).append(')');
                }
                out.append('\n');
            }
        }
        if (!plan.notSeen().isEmpty()) {
            out.append("\nnot seen by Tether:\n");
            for (final Blind b : plan.notSeen()) {
                out.append("  ").append(b.subject()).append(": ").append(b.reason()).append('\n');
            }
        }
        out.append("\nsteps:\n");
        plan.steps().forEach(s -> out.append("  ").append(s).append('\n'));
        return out.toString();
    }

    private static void list(final StringBuilder out, final String title, final List<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        out.append("  ").append(title).append(":\n");
        paths.forEach(p -> out.append("    ").append(p).append('\n'));
    }

    /**
     * An rsync {@code --files-from} list: one absolute path a line. A path holding a newline cannot be written
     * that way, so then the list is NUL-separated and must be used with rsync {@code --from0}.
     */
    public static String filesFrom(final List<String> paths) {
        final boolean nul = needsNul(paths);
        final StringBuilder out = new StringBuilder();
        paths.forEach(p -> out.append(p).append(nul ? '\0' : '\n'));
        return out.toString();
    }

    public static boolean needsNul(final List<String> paths) {
        return paths.stream().anyMatch(p -> p.indexOf('\n') >= 0 || p.indexOf('\r') >= 0);
    }
}
