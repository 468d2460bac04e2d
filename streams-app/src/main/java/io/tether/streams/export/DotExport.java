package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Connection;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;

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

    private DotExport() {
    }

    public static String render(final MigrationSet set, final String focusAp) {
        final StringBuilder out = new StringBuilder(4096);
        out.append("digraph ").append(quote("migration set of " + focusAp)).append(" {\n");
        out.append("  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=")
            .append(quote("Migration set of " + focusAp)).append("];\n");
        out.append("  node [fontname=\"Helvetica\", fontsize=11];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");

        final Map<String, List<String>> nodesByHost = new TreeMap<>();
        for (final AppMember app : set.getApps()) {
            final String pids = app.getPids().stream().map(String::valueOf).collect(Collectors.joining(", "));
            final boolean focus = app.getAp().equals(focusAp);
            nodesByHost.computeIfAbsent(app.getHost(), h -> new ArrayList<>()).add(
                quote(appId(app.getAp())) + " [shape=box, style=\"rounded,filled\", fillcolor=\"#dbeafe\""
                    + (focus ? ", penwidth=3" : "")
                    + ", label=" + quote(app.getProgram() + (pids.isEmpty() ? "" : "\npids " + pids)) + "];");
        }
        for (final FileMember file : set.getFiles()) {
            final boolean move = file.getTransfer() == Transfer.MOVE;
            nodesByHost.computeIfAbsent(file.getHost(), h -> new ArrayList<>()).add(
                quote(fileId(file.getHost(), file.getPath())) + " [shape=note, "
                    + (move ? "style=\"filled,bold\", fillcolor=\"#fed7aa\", color=\"#c2410c\""
                            : "style=dashed, color=\"#1d4ed8\"")
                    + ", label=" + quote(file.getPath() + "\n" + file.getTransfer()) + "];");
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
        for (final ExternalEndpoint ext : set.getExternal()) {
            externals.add(Addresses.format(ext.getAddress()));
        }
        for (final String ext : externals) {
            out.append("  ").append(quote(externalId(ext)))
                .append(" [shape=ellipse, style=dashed, color=\"#6b7280\", fontcolor=\"#374151\", label=")
                .append(quote(ext + "\nEXTERNAL")).append("];\n");
        }

        // Several connections between the same pair on the same service are one coupling to a reader.
        final Set<String> edges = new LinkedHashSet<>();
        for (final FileMember file : set.getFiles()) {
            for (final FileUse use : file.getOpenedBy()) {
                edges.add(edge(appId(use.getAp()), fileId(file.getHost(), file.getPath()),
                    use.getMode() == AccessMode.WRITE ? "writes" : "reads"));
            }
        }
        for (final Connection c : set.getConnections()) {
            edges.add(edge(appId(c.getClientAp()), appId(c.getServerAp()), "connects " + Addresses.service(c.getServer())));
        }
        for (final ExternalEndpoint ext : set.getExternal()) {
            final String extId = externalId(Addresses.format(ext.getAddress()));
            if (ext.getDirection() == Direction.OUTBOUND) {
                edges.add(edge(appId(ext.getAp()), extId, "connects " + Addresses.service(ext.getAddress())));
            } else {
                edges.add(edge(extId, appId(ext.getAp()), "connects " + Addresses.service(ext.getLocal())));
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
