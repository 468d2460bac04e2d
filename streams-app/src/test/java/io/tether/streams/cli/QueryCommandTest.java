package io.tether.streams.cli;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.streams.api.HttpApi;
import io.tether.streams.query.LocalStores;
import io.tether.streams.query.MigrationSetQueries;
import io.tether.streams.query.QueryStores;
import io.tether.streams.query.RemoteStores;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether query} with bad input, no server, and a server that cannot answer yet. */
class QueryCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new QueryCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void badInputIsRejectedBeforeAnyRequest() {
        // a usage error: one line saying what is wrong, then the usage (README: "A mistyped command ...")
        final Run noHost = run("nginx");
        assertEquals(2, noHost.exit());
        assertTrue(noHost.err().lines().findFirst().orElseThrow().contains("expected program@hostId"), noHost.err());
        assertTrue(noHost.err().contains("Usage: query"), noHost.err());

        final Run badTime = run("/usr/sbin/nginx@web-1", "--as-of", "last tuesday");
        assertEquals(2, badTime.exit());
        assertTrue(badTime.err().contains("--as-of: 'last tuesday' is not a time"), badTime.err());
        assertTrue(badTime.err().contains("Usage: query"), badTime.err());

        final Run badUrl = run("/usr/sbin/nginx@web-1", "--url", "localhost:7070");
        assertEquals(2, badUrl.exit());
        assertTrue(badUrl.err().contains("--url expects http(s)://host:port"), badUrl.err());
        assertTrue(badUrl.err().contains("Usage: query"), badUrl.err());

        // the HTTP client refuses a zero or negative timeout, so the flag must refuse it first
        final Run zeroTimeout = run("/usr/sbin/nginx@web-1", "--timeout", "0s");
        assertEquals(2, zeroTimeout.exit());
        assertTrue(zeroTimeout.err().contains("'0s' is zero, but this needs a duration greater than zero"), zeroTimeout.err());
        final Run negativeTimeout = run("/usr/sbin/nginx@web-1", "--timeout", "-PT5S");
        assertEquals(2, negativeTimeout.exit());
        assertTrue(negativeTimeout.err().contains("'-PT5S' is not a duration (it is negative)"), negativeTimeout.err());
        assertFalse((zeroTimeout.err() + negativeTimeout.err()).contains("\tat "), "no stack trace");

        final Run missing = run();
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing required parameter"), missing.err());
    }

    @Test
    void asOfTakesEveryTimeFormTheReadmeNamesAndSendsItAsIso8601() throws Exception {
        final List<String> asOfs = new CopyOnWriteArrayList<>();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(HttpApi.MIGRATION_SET, exchange -> {
            final String query = exchange.getRequestURI().getQuery();
            asOfs.add(query.substring(query.indexOf("asOf=") + "asOf=".length()));
            final byte[] body = "{\"status\":404,\"error\":\"Not Found\",\"message\":\"not known then\"}"
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            final String url = "http://127.0.0.1:" + server.getAddress().getPort();
            final Instant before = Instant.now();
            for (final String form : new String[] {"10m", "now", "1795600000000", "2026-11-26T05:00:00+01:00"}) {
                final Run run = run("/usr/sbin/nginx@web-1", "--url", url, "--as-of", form);
                assertEquals(1, run.exit(), form + ": " + run.err());
                assertTrue(run.err().contains("not known then"), run.err());
            }
            final Instant after = Instant.now();
            assertEquals(4, asOfs.size(), asOfs.toString());
            final Instant tenMinutesAgo = Instant.parse(asOfs.get(0));
            assertFalse(tenMinutesAgo.isBefore(before.minusSeconds(600)) || tenMinutesAgo.isAfter(after.minusSeconds(600)),
                asOfs.get(0));
            final Instant now = Instant.parse(asOfs.get(1));
            assertFalse(now.isBefore(before) || now.isAfter(after), asOfs.get(1));
            assertEquals(Instant.ofEpochMilli(1_795_600_000_000L), Instant.parse(asOfs.get(2)));
            assertEquals(Instant.parse("2026-11-26T04:00:00Z"), Instant.parse(asOfs.get(3)));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theUrlComesFromTetherUrlAsForExportAndPlan() throws Exception {
        final List<String> requests = new CopyOnWriteArrayList<>();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(HttpApi.MIGRATION_SET, exchange -> {
            requests.add(exchange.getRequestURI().getQuery());
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            final String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            final ProcessBuilder query = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, QueryCommand.class.getName(), "/usr/sbin/nginx@web-1").redirectErrorStream(true);
            query.environment().put("TETHER_URL", "http://127.0.0.1:" + server.getAddress().getPort());
            final Process p = query.start();
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), output);
            assertEquals(List.of("ap=/usr/sbin/nginx@web-1"), requests, output);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableServerIsNamed() throws Exception {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        final Run run = run("/usr/sbin/nginx@web-1", "--url", "http://127.0.0.1:" + port);
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("cannot reach the Tether API at http://127.0.0.1:" + port), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void aServerThatCannotAnswerYetSaysWhenToRetry() {
        final QueryStores stores = new QueryStores("ap-index", "ap-index-history", "migration-sets-history");
        final LocalStores local = new LocalStores(() -> null, stores);
        final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (HttpApi api = new HttpApi(new MigrationSetQueries(() -> null, () -> new HostInfo("127.0.0.1", 1), local,
                 new RemoteStores(Duration.ofSeconds(1))), local, () -> null, metrics).start("127.0.0.1", 0)) {
            final Run run = run("/usr/sbin/nginx@web-1", "--url", "http://127.0.0.1:" + api.port());
            assertEquals(1, run.exit());
            assertTrue(run.err().contains("not available right now: the streams app is starting (retry in 2 s)"), run.err());
        } finally {
            metrics.close();
        }
    }
}
