package io.tether.streams.cli;

import io.tether.schemas.identity.ApId;
import io.tether.streams.export.ExportFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tether export <program@host> --format json|dot|csv [--url U]}: prints the AP's migration set. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Print the migration set of a program as JSON, Graphviz DOT or CSV (one row per member).",
        "Example: tether export /usr/sbin/nginx@web-1 --format dot | dot -Tsvg > set.svg"})
public final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<program@host>", description = "The AP, e.g. /usr/sbin/nginx@web-1.")
    private String ap;

    @Option(names = "--format", defaultValue = "json", paramLabel = "json|dot|csv",
        description = "Output format (default: ${DEFAULT-VALUE}).")
    private String format;

    @Option(names = "--url", defaultValue = "${env:TETHER_URL:-" + ApiGet.DEFAULT_URL + "}", paramLabel = "URL",
        description = "Tether HTTP API (default: $TETHER_URL or " + ApiGet.DEFAULT_URL + ").")
    private String url;

    @Override
    public Integer call() {
        final ApId id = parseAp(spec, ap);
        final ExportFormat exportFormat;
        try {
            exportFormat = ExportFormat.parse(format);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        try {
            final String body = ApiGet.get(url, "/api/v1/migration-set",
                Map.of("ap", id.toString(), "format", exportFormat.name().toLowerCase(Locale.ROOT)));
            out.print(body);
            if (!body.endsWith("\n")) {
                out.println();
            }
            out.flush();
            return 0;
        } catch (final ApiGet.ApiException e) {
            spec.commandLine().getErr().println("tether export: " + e.getMessage());
            return 1;
        }
    }

    static ApId parseAp(final CommandSpec spec, final String text) {
        try {
            return ApId.parse(text);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
