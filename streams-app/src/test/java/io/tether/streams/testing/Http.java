package io.tether.streams.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.streams.query.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Test helper: plain GETs against an instance's HTTP API over loopback. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    public record Response(int status, String contentType, String retryAfter, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (final IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }
    }

    public static Response get(final int port, final String pathAndQuery) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(20)).GET().build();
        try {
            final HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Retry-After").orElse(null), response.body());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Response migrationSet(final int port, final String ap) {
        return get(port, "/api/v1/migration-set?ap=" + URLEncoder.encode(ap, StandardCharsets.UTF_8));
    }

    public static Response migrationSet(final int port, final String ap, final String asOf) {
        return get(port, "/api/v1/migration-set?ap=" + URLEncoder.encode(ap, StandardCharsets.UTF_8)
            + "&asOf=" + URLEncoder.encode(asOf, StandardCharsets.UTF_8));
    }
}
