package io.tether.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.cli.internals.ApiClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading the demo's migration sets from the HTTP API's JSON (DESIGN.md §3 shape). */
public final class DemoSets {
    private DemoSets() {
    }

    /**
     * The AP id of this run's demo program running {@code script} on {@code hostId}, if the API knows it yet: the
     * script in this run's {@code workDir}, because a data dir that kept an earlier demo's state (within the evidence
     * window) knows that run's programs too.
     */
    public static Optional<String> apOf(final ApiClient client, final String hostId, final String script,
                                        final Path workDir) throws IOException {
        final List<String> paths = new ArrayList<>(List.of(workDir.resolve("bin").resolve(script).toString()));
        try {
            paths.add(workDir.toRealPath().resolve("bin").resolve(script).toString());
        } catch (final IOException e) {
            // the work dir is gone (the demo cleaned up): its programs are matched by the path as given
        }
        for (final JsonNode ap : client.aps()) {
            final String program = ap.path("program").asText();
            if (ap.path("host").asText().equals(hostId) && paths.stream().anyMatch(program::endsWith)) {
                return Optional.of(ap.path("ap").asText());
            }
        }
        return Optional.empty();
    }

    /** Whether the set has, among its apps, programs running each of {@code scripts}. */
    public static boolean containsScripts(final JsonNode set, final List<String> scripts) {
        for (final String script : scripts) {
            if (!appScripts(set).contains(script)) {
                return false;
            }
        }
        return true;
    }

    /** The script file names of the set's apps that run a script (e.g. frontend.py). */
    public static List<String> appScripts(final JsonNode set) {
        final List<String> scripts = new ArrayList<>();
        for (final JsonNode app : set.path("apps")) {
            final String program = app.path("program").asText();
            final int slash = program.lastIndexOf('/');
            if (program.endsWith(".py") && slash >= 0) {
                scripts.add(program.substring(slash + 1));
            }
        }
        return scripts;
    }

    /** The transfer (COPY/MOVE) of the set's file whose path ends with {@code name}, if it is in the set. */
    public static Optional<String> transferOf(final JsonNode set, final String name) {
        for (final JsonNode file : set.path("files")) {
            if (file.path("path").asText().endsWith("/" + name)) {
                return Optional.of(file.path("transfer").asText());
            }
        }
        return Optional.empty();
    }

    static String describe(final JsonNode set, final String ap) {
        final StringBuilder s = new StringBuilder();
        final List<String> apps = new ArrayList<>();
        for (final JsonNode app : set.path("apps")) {
            if (!app.path("ap").asText().equals(ap)) {
                apps.add(app.path("ap").asText());
            }
        }
        s.append("  programs: ").append(apps.isEmpty() ? "(none besides itself)" : String.join(", ", apps)).append('\n');
        int libraries = 0;
        final List<String> files = new ArrayList<>();
        for (final JsonNode file : set.path("files")) {
            final String path = file.path("path").asText();
            if (path.startsWith("/usr/") || path.startsWith("/lib") || path.startsWith("/etc/")) {
                libraries++;
            } else {
                files.add(file.path("transfer").asText() + " " + path + "@" + file.path("host").asText());
            }
        }
        s.append("  files:    ").append(files.isEmpty() ? "(none)" : String.join(", ", files));
        if (libraries > 0) {
            s.append(" (+ ").append(libraries).append(" system files: libraries, interpreter, /etc)");
        }
        s.append('\n');
        final int external = set.path("external").size();
        if (external > 0) {
            s.append("  external: ").append(external).append(" endpoint(s)\n");
        }
        return s.toString().stripTrailing();
    }
}
