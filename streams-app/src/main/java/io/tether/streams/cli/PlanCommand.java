package io.tether.streams.cli;

import io.tether.schemas.identity.ApId;
import io.tether.streams.export.MigrationPlan;
import io.tether.streams.export.PlanText;
import io.tether.streams.query.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tether plan <program@host> [--json] [--url U] [--files-from DIR]}: what migrating the AP's set involves,
 * per source host. Describes only; it runs nothing on any host.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    // one string per paragraph: picocli wraps it, and 'tether --help' lists the first one as the command's summary
    description = {"Show the migration plan of a program's migration set, per source host.",
        "The processes to checkpoint (with CRIU options), the files to copy and to move, the endpoints that must "
            + "stay reachable, and what Tether could not see. It describes; it executes nothing."})
public final class PlanCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<program@host>", description = "The AP, e.g. /usr/sbin/nginx@web-1.")
    private String ap;

    @Option(names = "--json", description = "Print the plan as JSON (as GET /api/v1/plan returns it).")
    private boolean json;

    @Option(names = "--files-from", paramLabel = "DIR",
        description = "Also write rsync --files-from lists, <host>.copy and <host>.move, into DIR.")
    private Path filesFrom;

    @Option(names = "--url", defaultValue = "${env:TETHER_URL:-" + ApiGet.DEFAULT_URL + "}", paramLabel = "URL",
        description = "Tether HTTP API (default: $TETHER_URL or " + ApiGet.DEFAULT_URL + ").")
    private String url;

    @Override
    public Integer call() {
        final ApId id = ExportCommand.parseAp(spec, ap);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final String body;
        try {
            body = ApiGet.get(url, "/api/v1/plan", Map.of("ap", id.toString()));
        } catch (final ApiGet.ApiException e) {
            err.println("tether plan: " + e.getMessage());
            return 1;
        }
        final MigrationPlan plan;
        try {
            plan = Json.MAPPER.readValue(body, MigrationPlan.class);
        } catch (final IOException e) {
            err.println("tether plan: the server's answer is not a migration plan: " + e.getMessage());
            return 1;
        }
        if (filesFrom != null) {
            try {
                writeLists(plan, filesFrom, err);
            } catch (final IOException e) {
                err.println("tether plan: cannot write the lists into " + filesFrom + ": " + e.getMessage());
                return 1;
            }
        }
        out.print(json ? body + (body.endsWith("\n") ? "" : "\n") : PlanText.render(plan));
        out.flush();
        return 0;
    }

    private static void writeLists(final MigrationPlan plan, final Path dir, final PrintWriter err) throws IOException {
        Files.createDirectories(dir);
        for (final MigrationPlan.HostPlan host : plan.hosts()) {
            write(dir, host.host(), "copy", host.copy(), err);
            write(dir, host.host(), "move", host.move(), err);
        }
    }

    private static void write(final Path dir, final String host, final String what, final List<String> paths,
                              final PrintWriter err) throws IOException {
        if (paths.isEmpty()) {
            return;
        }
        // A host id may hold characters a file name should not; the list's name only needs to be recognisable.
        final Path file = dir.resolve(host.replaceAll("[^A-Za-z0-9._-]", "_") + "." + what);
        Files.writeString(file, PlanText.filesFrom(paths), StandardCharsets.UTF_8);
        if (PlanText.needsNul(paths)) {
            err.println("note: " + file + " is NUL-separated (a path holds a newline): use rsync --from0");
        }
    }
}
