package io.tether.streams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.streams.query.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A GET against a Tether HTTP API for the sub-commands that only read ({@code export}, {@code plan}). Every
 * failure becomes an {@link ApiException} whose message a user can act on: a bad {@code --url}, nothing listening,
 * or the server's own JSON error message.
 */
final class ApiGet {

    /** Where {@code tether local} and {@code tether streams} listen by default. */
    static final String DEFAULT_URL = "http://localhost:8470";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** A failure to show the user as {@code tether <command>: <message>}. */
    static final class ApiException extends Exception {
        ApiException(final String message) {
            super(message);
        }
    }

    private ApiGet() {
    }

    /** @return the body of a 2xx answer */
    static String get(final String baseUrl, final String path, final Map<String, String> query) throws ApiException {
        final URI uri = uri(baseUrl, path, query);
        final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();
        final HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        final HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (final ConnectException e) {
            throw new ApiException("cannot reach Tether at " + baseUrl + " (is it running? set --url)");
        } catch (final HttpTimeoutException e) {
            throw new ApiException("Tether at " + baseUrl + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (final IOException e) {
            throw new ApiException("request to " + uri + " failed: " + e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new ApiException(errorMessage(response));
        }
        return response.body();
    }

    private static URI uri(final String baseUrl, final String path, final Map<String, String> query) throws ApiException {
        final URI base;
        try {
            base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        } catch (final IllegalArgumentException e) {
            throw new ApiException("--url must be an http(s) URL such as " + DEFAULT_URL + ", got '" + baseUrl + "'");
        }
        if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw new ApiException("--url must be an http(s) URL such as " + DEFAULT_URL + ", got '" + baseUrl + "'");
        }
        final String q = query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
    }

    /** The API answers errors as {@code {"status":..,"error":..,"message":..}}; anything else is shown briefly. */
    private static String errorMessage(final HttpResponse<String> response) {
        try {
            final JsonNode body = Json.MAPPER.readTree(response.body());
            for (final String field : new String[] {"message", "error"}) {
                if (body != null && body.hasNonNull(field) && !body.get(field).asText().isBlank()) {
                    return body.get(field).asText() + " (HTTP " + response.statusCode() + ")";
                }
            }
        } catch (final IOException e) {
            // not JSON: fall through
        }
        final String body = response.body() == null ? "" : response.body().strip();
        return "HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(200, body.length())));
    }
}
