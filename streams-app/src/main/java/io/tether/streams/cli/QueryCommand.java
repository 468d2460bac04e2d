package io.tether.streams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.schemas.config.Instants;
import io.tether.streams.api.HttpApi;
import io.tether.streams.query.Json;
import io.tether.streams.query.MigrationSetView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code tether query <program@hostId>}: asks a running instance's HTTP API for an AP's migration set. */
@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Print the migration set of a program: what must move with it, and why.",
    footer = {"", "Exit status: 0 found, 1 not found or the API cannot answer, 2 bad input."})
public final class QueryCommand implements Callable<Integer> {

    /** Where {@code tether local} and {@code tether streams} serve by default. */
    public static final String DEFAULT_URL = "http://localhost:8470";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROGRAM@HOST", description = "The AP, e.g. /usr/sbin/nginx@web-1.")
    private String ap;

    @Option(names = "--json", description = "Print the API's JSON as is.")
    private boolean json;

    @Option(names = "--as-of", paramLabel = "TIME",
        description = "The set as it was at this time: ISO-8601 (2026-11-26T04:00:00Z), epoch ms, now, or an age like 10m.")
    private String asOf;

    // as export and plan take it
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:TETHER_URL:-" + DEFAULT_URL + "}",
        description = "Base URL of any Tether instance's HTTP API (default: $TETHER_URL or " + DEFAULT_URL + ").")
    private String url;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = PositiveDurationConverter.class, defaultValue = "30s",
        description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        // bad input is a usage error: one line and the usage (exit 2), before any request
        ExportCommand.parseAp(spec, ap);
        final Instant at = asOf == null ? null : asOfInstant(asOf);
        final URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--url expects http(s)://host:port, got '" + url + "'");
        }
        // the API takes ISO-8601 only; the CLI's other forms (now, 10m, epoch ms) are resolved here
        final URI target = URI.create(base + HttpApi.MIGRATION_SET + "?ap=" + encode(ap) + (at == null ? "" : "&asOf=" + encode(at.toString())));
        final HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(timeout).build()
                .send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (final ConnectException | HttpConnectTimeoutException e) {
            err.println("tether query: cannot reach the Tether API at " + base + " (is `tether streams` or `tether local` running? see --url)");
            return 1;
        } catch (final HttpTimeoutException e) {
            err.println("tether query: no answer from " + base + " within " + timeout.toSeconds() + " s");
            return 1;
        } catch (final IOException e) {
            err.println("tether query: cannot talk to the Tether API at " + base + ": " + e.getMessage());
            return 1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("tether query: " + describeError(response));
            return response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 404 ? 2 : 1;
        }
        if (json) {
            out.println(response.body());
            out.flush();
            return 0;
        }
        try {
            MigrationSetText.print(Json.MAPPER.readValue(response.body(), MigrationSetView.class), out);
        } catch (final IOException e) {
            err.println("tether query: the answer from " + base + " is not a migration set: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static String describeError(final HttpResponse<String> response) {
        String message = "HTTP " + response.statusCode();
        try {
            final JsonNode body = Json.MAPPER.readTree(response.body());
            if (body != null && body.hasNonNull("message")) {
                message = body.get("message").asText();
            }
        } catch (final IOException notJson) {
            // keep the status line: the server at --url is probably not Tether
        }
        if (response.statusCode() == 503) {
            final String retry = response.headers().firstValue("Retry-After").orElse("a few");
            return "not available right now: " + message + " (retry in " + retry + " s)";
        }
        return message;
    }

    private Instant asOfInstant(final String text) {
        try {
            return Instants.parse(text, Clock.systemUTC());
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--as-of: " + e.getMessage());
        }
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static void main(final String[] args) {
        System.exit(new CommandLine(new QueryCommand()).execute(args));
    }
}
