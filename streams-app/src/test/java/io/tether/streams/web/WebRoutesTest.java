package io.tether.streams.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.Transfer;
import io.tether.streams.export.MigrationPlan;
import io.tether.streams.export.SetBuilder;
import io.tether.streams.query.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.tether.streams.export.SetBuilder.use;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebRoutesTest {

    private static final String AP1 = "/opt/ap1/bin/ap1@computer1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static PageServer server;

    @BeforeAll
    static void start() {
        server = new PageServer(Duration.ofMillis(50));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void figureOne() {
        server.failLookups(null);
        server.put(SetBuilder.figure1().build());
    }

    @Test
    void servesThePageAndTheGraphLibraryFromTheJar() throws Exception {
        final HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (final String script : List.of("/vendor/cytoscape.min.js", "/vendor/layout-base.js", "/vendor/cose-base.js",
            "/vendor/cytoscape-fcose.js", "/web/app.js")) {
            assertTrue(page.body().contains("src=\"" + script + "\""), script);
            final HttpResponse<String> js = get(script);
            assertEquals(200, js.statusCode(), script);
            assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"), script);
            assertTrue(js.body().length() > 1000, script);
        }
        assertEquals(200, get("/web/style.css").statusCode());
        assertEquals(404, get("/vendor/jquery.js").statusCode());
        final int traversal = get("/web/..%2F..%2Fpom.xml").statusCode();
        assertTrue(traversal == 400 || traversal == 404, "path traversal refused: " + traversal);
        assertEquals(404, get("/web/App.class").statusCode());
    }

    @Test
    void planAnswersJsonAndRejectsBadInputWithJsonErrors() throws Exception {
        final HttpResponse<String> ok = get("/api/v1/plan?ap=" + enc(AP1));
        assertEquals(200, ok.statusCode());
        final MigrationPlan plan = Json.MAPPER.readValue(ok.body(), MigrationPlan.class);
        assertEquals(List.of("computer1", "computer2"), plan.hosts().stream().map(MigrationPlan.HostPlan::host).toList());
        assertEquals(List.of(4101, 4102), plan.hosts().get(0).checkpoint().get(0).pids());

        for (final String[] bad : new String[][] {{"/api/v1/plan", "400"}, {"/api/v1/plan?ap=nohost", "400"},
            {"/api/v1/plan?ap=" + enc("relative@h"), "400"}, {"/api/v1/plan?ap=" + enc("/bin/unknown@h"), "404"}}) {
            final HttpResponse<String> r = get(bad[0]);
            assertEquals(Integer.parseInt(bad[1]), r.statusCode(), bad[0]);
            final JsonNode error = Json.MAPPER.readTree(r.body());
            assertEquals(Integer.parseInt(bad[1]), error.get("status").asInt());
            assertTrue(!error.get("message").asText().isBlank() && !r.body().contains("Exception"), r.body());
        }
        // the plan is of the set now: a time in the past is refused, not silently answered with today's plan
        for (final String asOf : new String[] {"2026-11-26T05:00:00Z", "bad"}) {
            final HttpResponse<String> past = get("/api/v1/plan?ap=" + enc(AP1) + "&asOf=" + asOf);
            assertEquals(400, past.statusCode(), past.body());
            assertTrue(Json.MAPPER.readTree(past.body()).get("message").asText().contains("'asOf' is not supported"), past.body());
        }
        // the same wording as GET /api/v1/migration-set for the same mistakes
        assertTrue(get("/api/v1/plan").body().contains("missing query parameter 'ap'"));
        assertTrue(get("/api/v1/plan?ap=nohost").body().contains("bad query parameter 'ap': expected program@hostId"));
        assertEquals("unknown AP /bin/unknown@h: no events of it within the evidence window",
                Json.MAPPER.readTree(get("/api/v1/plan?ap=" + enc("/bin/unknown@h")).body()).get("message").asText());

        server.failLookups(new IllegalStateException("rebalancing"));
        final HttpResponse<String> busy = get("/api/v1/plan?ap=" + enc(AP1));
        assertEquals(503, busy.statusCode());
        assertTrue(busy.headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void theEventStreamTellsEveryChangeOfTheSet() throws Exception {
        try (EventStream stream = new EventStream(server.url() + "/api/v1/migration-set/stream?ap=" + enc(AP1))) {
            assertEquals(200, stream.status());
            final EventStream.Event first = stream.next(WAIT);
            assertEquals("set", first.name());
            assertEquals("PRESENT", first.data().get("status").asText());
            assertEquals(AP1, first.data().get("componentId").asText());
            final long v1 = first.data().get("version").asLong();

            server.put(SetBuilder.figure1().updatedMicros(1_800_000_000_000_000L)
                .file("computer1", "/srv/ap1/E", Transfer.COPY, use(AP1, AccessMode.READ)).build());
            final EventStream.Event changed = stream.next(WAIT);
            assertEquals("PRESENT", changed.data().get("status").asText());
            assertTrue(changed.data().get("version").asLong() > v1, changed.data().toString());
            assertTrue(changed.data().get("updated").asText().startsWith("2027-01-15"), changed.data().toString());

            server.failLookups(new IllegalStateException("rebalancing"));
            assertEquals("UNAVAILABLE", stream.next(WAIT).data().get("status").asText());
            server.failLookups(null);
            assertEquals("PRESENT", stream.next(WAIT).data().get("status").asText());
        }
    }

    @Test
    void anApNotSeenYetIsReportedAbsentThenPresent() throws Exception {
        final String later = "/usr/bin/later@computer3";
        try (EventStream stream = new EventStream(server.url() + "/api/v1/migration-set/stream?ap=" + enc(later))) {
            assertEquals("ABSENT", stream.next(WAIT).data().get("status").asText());
            server.put(SetBuilder.set().app("/usr/bin/later", "computer3", List.of(1)).build());
            final EventStream.Event seen = stream.next(WAIT);
            assertEquals("PRESENT", seen.data().get("status").asText());
            assertEquals(later, seen.data().get("ap").asText());
        }
    }

    @Test
    void aBadApIsRejectedBeforeTheStreamOpens() throws Exception {
        final HttpResponse<String> r = get("/api/v1/migration-set/stream?ap=" + enc("not-an-ap"));
        assertEquals(400, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(Json.MAPPER.readTree(r.body()).get("message").asText().contains("program@hostId"), r.body());
    }

    private static HttpResponse<String> get(final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(final String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
