package io.tether.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.streams.query.InternalPaths;
import io.tether.streams.query.Json;
import io.tether.streams.query.LocalStores;
import io.tether.streams.query.MigrationSetQueries;
import io.tether.streams.query.QueryStores;
import io.tether.streams.query.RemoteStores;
import io.tether.streams.testing.Http;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API of an instance whose Kafka Streams is not up yet (the window between binding HTTP and the first
 * rebalance): it must say so with 503 and Retry-After, validate input first, and serve health and metrics.
 */
class HttpApiTest {

    private static final QueryStores STORES = new QueryStores("ap-index", "ap-index-history", "migration-sets-history");
    private static PrometheusMeterRegistry metrics;
    private static HttpApi api;

    @BeforeAll
    static void start() {
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final LocalStores local = new LocalStores(() -> null, STORES);
        final MigrationSetQueries queries = new MigrationSetQueries(() -> null, () -> new HostInfo("127.0.0.1", 1), local,
            new RemoteStores(Duration.ofSeconds(1)));
        api = new HttpApi(queries, local, () -> null, metrics).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        api.close();
        metrics.close();
    }

    @Test
    void healthIsDownUntilStreamsRuns() {
        final Http.Response response = Http.get(api.port(), HttpApi.HEALTH);
        assertEquals(503, response.status());
        assertEquals("DOWN", response.json().get("status").asText());
        assertEquals("STARTING", response.json().get("state").asText());
    }

    @Test
    void queriesAreUnavailableWithRetryAfter() {
        for (final String path : new String[] {"/api/v1/migration-set?ap=/usr/sbin/nginx@web-1", HttpApi.APS}) {
            final Http.Response response = Http.get(api.port(), path);
            assertEquals(503, response.status(), response.body());
            assertNotNull(response.retryAfter(), "Retry-After on " + path);
            assertTrue(Integer.parseInt(response.retryAfter()) > 0);
            assertJsonError(response, 503, "starting");
        }
    }

    @Test
    void inputIsValidatedBeforeAnyStoreIsAsked() {
        assertJsonError(Http.get(api.port(), "/api/v1/migration-set?ap=%20"), 400, "missing query parameter 'ap'");
        assertJsonError(Http.get(api.port(), "/api/v1/migration-set?ap=/bin/x@h@"), 400, "program@hostId");
        assertJsonError(Http.get(api.port(), "/api/v1/migration-set?ap=/bin/x@h&asOf=2026-13-45T99:00:00Z"), 400, "ISO-8601");
        assertJsonError(Http.get(api.port(), "/api/v1/migration-set?ap=/bin/x@h&asOf=" + java.time.Instant.now().plusSeconds(3600)),
            400, "is in the future");
        assertJsonError(Http.get(api.port(), InternalPaths.COMPONENT + "?key=/bin/x@h&partition=minus-one"), 400, "partition number");
        assertJsonError(Http.get(api.port(), InternalPaths.MIGRATION_SET + "?partition=0"), 400, "missing query parameter 'key'");
        // a malformed or repeated parameter is named as such, not taken for a missing one or silently picked
        final String malformed = rawGet(api.port(), "/api/v1/migration-set?ap=%ZZ@h");
        assertTrue(malformed.startsWith("HTTP/1.1 400"), malformed);
        assertTrue(malformed.contains("bad query parameter 'ap': not valid percent-encoding"), malformed);
        assertJsonError(Http.get(api.port(), "/api/v1/migration-set?ap=/bin/x@h&ap=/bin/y@h"), 400, "query parameter 'ap' given 2 times");
        assertJsonError(Http.get(api.port(), "/api/v1/migration-set?ap=/bin/x@h&format=dot&format=csv"), 400, "query parameter 'format' given 2 times");
    }

    @Test
    void aWrongMethodIs405WithAllowAndAnUnknownPath404() throws Exception {
        final HttpResponse<String> post = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + HttpApi.APS))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), post.body());
        assertTrue(post.headers().firstValue("Allow").orElse("").contains("GET"), post.headers().map().toString());
        final JsonNode body = Json.MAPPER.readTree(post.body());
        assertEquals(405, body.get("status").asInt());
        assertTrue(body.get("message").asText().contains("method POST is not allowed on " + HttpApi.APS), post.body());

        assertJsonError(Http.get(api.port(), "/api/v1/nothing-here"), 404, "no such path: /api/v1/nothing-here");
    }

    @Test
    void internalReadsOfAnInstanceNotYetRunningAreUnservable() {
        final Http.Response response = Http.get(api.port(), InternalPaths.COMPONENT + "?key=/bin/x@h&partition=0");
        assertJsonError(response, 503, "starting");
    }

    @Test
    void metricsArePrometheusTextWithHttpRequestTimings() {
        Http.get(api.port(), HttpApi.HEALTH);
        final Http.Response response = Http.get(api.port(), HttpApi.METRICS);
        assertEquals(200, response.status());
        assertTrue(response.contentType().startsWith("text/plain"), response.contentType());
        assertTrue(response.body().contains("http_server_requests_seconds_count{method=\"GET\",status=\"503\",uri=\"/health\"}"),
            response.body());
    }

    /** A GET sent as bytes: Java's HTTP client refuses to send a malformed URI, which is what a server must survive. */
    private static String rawGet(final int port, final String target) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertJsonError(final Http.Response response, final int status, final String messagePart) {
        assertEquals(status, response.status(), response.body());
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        final JsonNode body = response.json();
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.get("message").asText().contains(messagePart), body.toString());
        assertFalse(response.body().contains("Exception"), response.body());
    }
}
