package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.Transfer;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.MigrationSetView.App;
import io.tether.streams.query.MigrationSetView.External;
import io.tether.streams.query.MigrationSetView.File;
import io.tether.streams.query.MigrationSetView.Link;
import io.tether.streams.query.MigrationSetView.Use;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders a migration set as a Graphviz digraph: one cluster per host holding its programs and files,
 * EXTERNAL endpoints outside every cluster, edges labelled with why they couple ({@code connects :5432},
 * {@code reads}, {@code writes}). COPY files are dashed notes, MOVE files filled bold notes, so the two read
 * apart even in black and white.
 */
public final class DotExport {

    private static final String MOVE = Transfer.MOVE.name();
    private static final String WRITE = AccessMode.WRITE.name();
    private static final String INBOUND = Direction.INBOUND.name();

    private DotExport() {
    }

    public static String render(final MigrationSetView view) {
        final String focusAp = view.ap();
        final StringBuilder out = new StringBuilder(4096);
        out.append("digraph ").append(quote("migration set of " + focusAp)).append(" {\n");
        out.append("  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=")
            .append(quote("Migration set of " + focusAp)).append("];\n");
        out.append("  node [fontname=\"Helvetica\", fontsize=11];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");

        final Map<String, List<String>> nodesByHost = new TreeMap<>();
        for (final App app : view.apps()) {
            final String pids = app.pids().stream().map(String::valueOf).collect(Collectors.joining(", "));
            final boolean focus = app.ap().equals(focusAp);
            nodesByHost.computeIfAbsent(app.host(), h -> new ArrayList<>()).add(
                quote(appId(app.ap())) + " [shape=box, style=\"rounded,filled\", fillcolor=\"#dbeafe\""
                    + (focus ? ", penwidth=3" : "")
                    + ", label=" + quote(app.program() + (pids.isEmpty() ? "" : "\npids " + pids)) + "];");
        }
        for (final File file : view.files()) {
            final boolean move = MOVE.equals(file.transfer());
            nodesByHost.computeIfAbsent(file.host(), h -> new ArrayList<>()).add(
                quote(fileId(file.host(), file.path())) + " [shape=note, "
                    + (move ? "style=\"filled,bold\", fillcolor=\"#fed7aa\", color=\"#c2410c\""
                            : "style=dashed, color=\"#1d4ed8\"")
                    + ", label=" + quote(file.path() + "\n" + file.transfer()) + "];");
        }
        int cluster = 0;
        for (final Map.Entry<String, List<String>> host : nodesByHost.entrySet()) {
            out.append("  subgraph ").append(quote("cluster_" + cluster++)).append(" {\n");
            out.append("    label=").append(quote("host " + host.getKey()))
                .append("; style=\"rounded\"; color=\"#64748b\";\n");
            for (final String node : host.getValue()) {
                out.append("    ").append(node).append('\n');
            }
            out.append("  }\n");
        }
        final Set<String> externals = new LinkedHashSet<>();
        for (final External ext : view.external()) {
            externals.add(ext.address());
        }
        for (final String ext : externals) {
            out.append("  ").append(quote(externalId(ext)))
                .append(" [shape=ellipse, style=dashed, color=\"#6b7280\", fontcolor=\"#374151\", label=")
                .append(quote(ext + "\nEXTERNAL")).append("];\n");
        }

        // Several connections between the same pair on the same service are one coupling to a reader.
        final Set<String> edges = new LinkedHashSet<>();
        for (final File file : view.files()) {
            for (final Use use : file.openedBy()) {
                edges.add(edge(appId(use.ap()), fileId(file.host(), file.path()), WRITE.equals(use.mode()) ? "writes" : "reads"));
            }
        }
        for (final Link c : view.connections()) {
            edges.add(edge(appId(c.clientAp()), appId(c.serverAp()), "connects " + MigrationSetExports.service(c.server())));
        }
        for (final External ext : view.external()) {
            final String extId = externalId(ext.address());
            if (INBOUND.equals(ext.direction())) {
                edges.add(edge(extId, appId(ext.ap()), "connects " + MigrationSetExports.service(ext.local())));
            } else {
                edges.add(edge(appId(ext.ap()), extId, "connects " + MigrationSetExports.service(ext.address())));
            }
        }
        for (final String edge : edges) {
            out.append("  ").append(edge).append('\n');
        }
        out.append("}\n");
        return out.toString();
    }

    private static String edge(final String from, final String to, final String label) {
        return quote(from) + " -> " + quote(to) + " [label=" + quote(label) + "];";
    }

    private static String appId(final String ap) {
        return "ap:" + ap;
    }

    private static String fileId(final String host, final String path) {
        return "file:" + host + ":" + path;
    }

    private static String externalId(final String address) {
        return "ext:" + address;
    }

    /**
     * A DOT double-quoted string. Backslashes are doubled (in labels a lone backslash starts an escape such as
     * {@code \N}), quotes escaped, newlines become DOT's centred line break, other control characters are dropped
     * because file names may contain anything but Graphviz must still parse the result.
     */
    static String quote(final String text) {
        final StringBuilder q = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c == '\n') {
                q.append("\\n");
            } else if (c >= ' ' && c != 0x7f) {
                q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
