package io.tether.streams.cli;

import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.WhyPath;
import io.tether.streams.query.WhyStep;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** Prints a migration set for people: members, files with COPY/MOVE, connections, external endpoints, and why. */
public final class MigrationSetText {

    private MigrationSetText() {
    }

    public static void print(final MigrationSetView set, final PrintWriter out) {
        out.println("Migration set of " + set.ap());
        out.println("  component " + set.componentId() + ", last changed " + set.updated()
            + (set.asOf() == null ? "" : ", as of " + set.asOf()));

        section(out, "Programs", set.apps().size());
        for (final MigrationSetView.App app : set.apps()) {
            out.println("  " + app.ap() + (app.pids().isEmpty() ? "" : "  pids " + join(app.pids()))
                + (app.sources().isEmpty() ? "" : "  seen by " + String.join(",", app.sources())));
        }

        section(out, "Files", set.files().size());
        for (final MigrationSetView.File file : set.files()) {
            out.println("  " + file.transfer() + "  " + file.host() + ":" + file.path() + "  opened by "
                + file.openedBy().stream().map(use -> use.ap() + " (" + use.mode() + ")").collect(Collectors.joining(", ")));
        }

        section(out, "Connections", set.connections().size());
        for (final MigrationSetView.Link link : set.connections()) {
            out.println("  " + link.clientAp() + " -> " + link.serverAp() + "  " + link.client() + " -> " + link.server()
                + " " + link.protocol());
        }

        section(out, "External endpoints (must stay reachable)", set.external().size());
        for (final MigrationSetView.External external : set.external()) {
            out.println("  " + external.ap() + ("OUTBOUND".equals(external.direction()) ? " -> " : " <- ")
                + external.address() + " " + external.protocol());
        }

        section(out, "Why", set.why().size());
        for (final WhyPath why : set.why()) {
            if (why.chain().isEmpty()) {
                out.println("  " + why.member() + (why.reachable() ? ": the program asked about" : ": not linked to "
                    + set.ap() + " by the recorded couplings (set being updated?)"));
                continue;
            }
            out.println("  " + why.member() + ":");
            for (final WhyStep step : why.chain()) {
                out.println("      " + step.text());
            }
        }
        out.flush();
    }

    private static void section(final PrintWriter out, final String title, final int count) {
        out.println();
        out.println(title + " (" + count + ")" + (count == 0 ? ": none" : ":"));
    }

    private static String join(final List<Integer> pids) {
        return pids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
