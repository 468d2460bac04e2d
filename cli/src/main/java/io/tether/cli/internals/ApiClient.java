package io.tether.cli.internals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.cli.UserException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The few calls the CLI makes to the streams app's HTTP API (DESIGN.md §3), returning parsed JSON. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UNAVAILABLE_RETRIES = 30;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String base;

    public ApiClient(final String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return base;
    }

    /** True when {@code /health} answers 200 (the streams app is RUNNING). */
    public boolean healthy() {
        try {
            return get("/health").statusCode() == 200;
        } catch (final IOException e) {
            return false;
        }
    }

    /** {@code /api/v1/aps}: the known APs, each {@code {ap, host, program, componentId}}. */
    public List<JsonNode> aps() throws IOException {
        final HttpResponse<String> response = get("/api/v1/aps");
        final List<JsonNode> aps = new ArrayList<>();
        if (response.statusCode() == 200) {
            JSON.readTree(response.body()).path("aps").forEach(aps::add);
        }
        return aps;
    }

    /**
     * The AP's migration set, or empty when the API does not know it (404). A 503 (a rebalance, stores still being
     * restored) is retried for a bounded time, then also answered as empty.
     */
    public Optional<JsonNode> migrationSet(final String ap, final Instant asOf) throws IOException {
        final String query = "/api/v1/migration-set?ap=" + URLEncoder.encode(ap, StandardCharsets.UTF_8)
                + (asOf == null ? "" : "&asOf=" + URLEncoder.encode(asOf.toString(), StandardCharsets.UTF_8));
        HttpResponse<String> response = get(query);
        for (int attempt = 0; attempt < UNAVAILABLE_RETRIES && response.statusCode() == 503; attempt++) {
            try {
                Thread.sleep(1000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            response = get(query);
        }
        if (response.statusCode() == 200) {
            return Optional.of(JSON.readTree(response.body()));
        }
        if (response.statusCode() == 404 || response.statusCode() == 503) {
            return Optional.empty();
        }
        throw new UserException("the API at " + base + " answered " + response.statusCode() + ": " + response.body());
    }

    /** A link a person can open to see the AP's set on the page. */
    public String pageUrl(final String ap) {
        return base + "/?ap=" + URLEncoder.encode(ap, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(final String pathAndQuery) throws IOException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
