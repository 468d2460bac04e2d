package io.tether.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.cli.TetherProcess;
import io.tether.cli.internals.ApiClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product end to end, as a user drives it: {@code tether local} (real broker, registry, streams app),
 * {@code tether demo} (real programs on three network-namespace hosts, real collectors and probes), the migration
 * sets read back through the HTTP API; then {@code tether record} and {@code tether replay} over the same history,
 * and a second demo against the same {@code tether local}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_LIMIT = Duration.ofMinutes(4);
    private static final Duration SET_LIMIT = Duration.ofMinutes(4);

    @TempDir
    static Path dir;

    private static TetherProcess local;
    private static String bootstrap;
    private static String registry;
    private static ApiClient api;
    private static Instant beforeDemo;
    private static JsonNode liveFrontEndSet;
    private static String frontEndAp;

    @BeforeAll
    static void startLocal() throws Exception {
        final int kafkaPort = freePort();
        final int registryPort = freePort();
        final int httpPort = freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        registry = "http://127.0.0.1:" + registryPort;
        api = new ApiClient("http://127.0.0.1:" + httpPort);
        local = TetherProcess.start(dir, "local", "--data-dir", dir.resolve("data").toString(), "--no-collector",
                "--kafka-port", Integer.toString(kafkaPort), "--registry-port", Integer.toString(registryPort),
                "--http-port", Integer.toString(httpPort));
        local.awaitLine(l -> l.startsWith("tether local ready:"), START_LIMIT);
    }

    @AfterAll
    static void stopLocal() throws Exception {
        if (local != null) {
            local.close();
        }
    }

    @Test
    @Order(1)
    void demoSetsPullInCoupledProgramsAndFilesButNotTheReadOnlySharer() throws Exception {
        assertTrue(api.healthy(), "GET /health answers 200 once tether local is ready");
        beforeDemo = Instant.now();
        try (TetherProcess demo = TetherProcess.start(dir, "demo", "--bootstrap", bootstrap, "--registry", registry,
                "--api", api.baseUrl(), "--duration", "200s", "--work-dir", dir.resolve("demo").toString())) {
            final JsonNode set = awaitFrontEndSet(demo);
            frontEndAp = set.path("ap").asText();
            // members: the app server it calls, the batch job that writes the app server's file, the store behind
            assertEquals(Set.of("frontend.py", "appserver.py", "batch.py", "kvstore.py"), new TreeSet<>(DemoSets.appScripts(set)));
            assertEquals(Optional.of("MOVE"), DemoSets.transferOf(set, "orders.db"), "written by two programs: moved");
            assertEquals(Optional.of("COPY"), DemoSets.transferOf(set, "frontend.conf"), "only read: copied");
            // absent: the reporting job only reads the front end's config, which couples nobody
            assertFalse(DemoSets.appScripts(set).contains("report.py"), set.toPrettyString());
            final String reportAp = awaitAp("report.py");
            final JsonNode reportSet = api.migrationSet(reportAp, null).orElseThrow();
            assertEquals(List.of("report.py"), DemoSets.appScripts(reportSet));
            assertEquals(Optional.of("COPY"), DemoSets.transferOf(reportSet, "frontend.conf"));
            assertTrue(demo.awaitExit(Duration.ofMinutes(5)), "the demo ends after its duration (200 s from its start)");
            assertEquals(0, demo.exitCode(), String.join("\n", demo.output()));
            assertFalse(Files.exists(dir.resolve("demo").resolve("channels")), "the demo removes its probe rings when it ends");
            assertTrue(Files.isDirectory(dir.resolve("demo").resolve("bin")), "and keeps its programs and logs");
            liveFrontEndSet = api.migrationSet(frontEndAp, null).orElseThrow();
        }
    }

    @Test
    @Order(2)
    void recordThenReplayReproducesTheSetsAndAsOfBeforeAProgramStartedShowsItAbsent() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(liveFrontEndSet != null, "needs the demo's live sets (previous test)");
        final Path recording = dir.resolve("history.avro");
        try (TetherProcess record = TetherProcess.start(dir, "record", "--bootstrap", bootstrap, "--registry", registry,
                "--out", recording.toString())) {
            assertTrue(record.awaitExit(Duration.ofMinutes(3)));
            assertEquals(0, record.exitCode(), String.join("\n", record.output()));
        }
        assertTrue(Files.size(recording) > 0);

        final JsonNode replayed = replay(recording, null);
        assertEquals(members(liveFrontEndSet), members(replayed), "apps and files rebuilt from the recording");

        final JsonNode before = replay(recording, beforeDemo);
        assertTrue(before.path("absent").asBoolean(), "before the demo started the front end was unknown: " + before);
    }

    @Test
    @Order(3)
    void aSecondDemoOnTheSameTetherLocalPrintsItsOwnRunsSets() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(frontEndAp != null, "needs the first demo's programs (first test)");
        final Path first = dir.resolve("demo");
        final Path second = dir.resolve("demo-again");
        try (TetherProcess demo = TetherProcess.start(dir, "demo", "--bootstrap", bootstrap, "--registry", registry,
                "--api", api.baseUrl(), "--duration", "90s", "--work-dir", second.toString())) {
            assertTrue(demo.awaitExit(Duration.ofMinutes(5)), "the demo ends after its duration (90 s from its start)");
            final List<String> output = demo.output();
            assertEquals(0, demo.exitCode(), String.join("\n", output));
            // the sets of the first run stay in tether local: the second must find and print its own programs
            final String ownFrontEnd = frontEndAp.replace(first.toString(), second.toString());
            assertTrue(output.contains(ownFrontEnd), "prints its own front end's set, " + ownFrontEnd + ":\n"
                    + String.join("\n", output));
            assertTrue(output.stream().noneMatch(l -> l.contains(first + "/")),
                    "nothing of the first run (" + first + "):\n" + String.join("\n", output));
        }
    }

    @Test
    @Order(4)
    void aReplayStoppedBySigtermDeletesItsTopics() throws Exception {
        final Path recording = dir.resolve("history.avro");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(recording), "needs the recording (second test)");
        try (TetherProcess replay = TetherProcess.start(dir, "replay", "--bootstrap", bootstrap, "--registry", registry,
                "--in", recording.toString(), "--serve")) {
            final String started = replay.awaitLine(l -> l.startsWith("tether replay: ") && l.contains(" into application "),
                    Duration.ofMinutes(2));
            final String id = started.replaceFirst(".* into application (\\S+).*", "$1");
            replay.awaitLine(l -> l.startsWith("tether replay: serving the replayed sets"), Duration.ofMinutes(5));
            assertFalse(replayTopics(id).isEmpty(), "the replay's topics exist while it serves");
            replay.terminate();
            assertTrue(replay.awaitExit(Duration.ofMinutes(2)), "SIGTERM ends tether replay --serve");
            // it was: the JVM went down before the main thread's clean-up ran, and the topics stayed. A deletion
            // the controller accepted reaches the broker's topic list a moment later: a bounded poll
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> left = replayTopics(id);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                left = replayTopics(id);
            }
            assertEquals(List.of(), left, String.join("\n", replay.output()));
        }
    }

    private static List<String> replayTopics(final String id) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", bootstrap))) {
            return admin.listTopics().names().get().stream().filter(t -> t.startsWith(id)).sorted().toList();
        }
    }

    private JsonNode replay(final Path recording, final Instant asOf) throws Exception {
        final List<String> args = new java.util.ArrayList<>(List.of("replay", "--bootstrap", bootstrap, "--registry", registry,
                "--in", recording.toString(), "--ap", frontEndAp, "--json"));
        if (asOf != null) {
            args.add("--as-of");
            args.add(asOf.toString());
        }
        try (TetherProcess replay = TetherProcess.start(dir, args.toArray(String[]::new))) {
            assertTrue(replay.awaitExit(Duration.ofMinutes(5)));
            final List<String> output = replay.output();
            assertEquals(0, replay.exitCode(), String.join("\n", output));
            final String line = output.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                    () -> new AssertionError("no JSON answer: " + output));
            return JSON.readTree(line);
        }
    }

    /** The set's apps and its files with their transfer: what a migration has to move. */
    private static Set<String> members(final JsonNode set) {
        final Set<String> members = new TreeSet<>();
        set.path("apps").forEach(a -> members.add("app " + a.path("ap").asText()));
        set.path("files").forEach(f -> members.add("file " + f.path("host").asText() + ":" + f.path("path").asText()
                + " " + f.path("transfer").asText()));
        return members;
    }

    private static JsonNode awaitFrontEndSet(final TetherProcess demo) throws Exception {
        final long deadline = System.nanoTime() + SET_LIMIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            final Optional<String> ap = apOfScript("frontend.py");
            if (ap.isPresent()) {
                final Optional<JsonNode> set = api.migrationSet(ap.get(), null);
                if (set.isPresent()) {
                    last = set.get();
                    if (DemoSets.containsScripts(last, List.of("appserver.py", "batch.py", "kvstore.py"))
                            && DemoSets.transferOf(last, "orders.db").isPresent()) {
                        return last;
                    }
                }
            }
            if (!demo.process().isAlive()) {
                break;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the front end's set did not fill within " + SET_LIMIT + " (or the demo ended); last: "
                + last + "\nAPs known: " + api.aps() + "\ndemo output:\n" + String.join("\n", demo.output()));
    }

    private static String awaitAp(final String script) throws Exception {
        final long deadline = System.nanoTime() + SET_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            final Optional<String> ap = apOfScript(script);
            if (ap.isPresent()) {
                return ap.get();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(script + " never appeared in /api/v1/aps");
    }

    private static Optional<String> apOfScript(final String script) throws IOException {
        for (final JsonNode ap : api.aps()) {
            if (ap.path("program").asText().endsWith("/" + script)) {
                return Optional.of(ap.path("ap").asText());
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
