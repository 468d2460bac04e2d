package io.tether.streams.cli;

import io.tether.streams.export.CsvExport;
import io.tether.streams.export.MemberRow;
import io.tether.streams.export.MigrationPlan;
import io.tether.streams.export.SetBuilder;
import io.tether.streams.query.Json;
import io.tether.streams.web.PageServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether export} and {@code tether plan} against a real HTTP server on loopback. */
class ExportAndPlanCommandsTest {

    private static final String AP1 = "/opt/ap1/bin/ap1@computer1";
    private static PageServer server;

    @BeforeAll
    static void start() {
        server = new PageServer(Duration.ofSeconds(1));
        server.put(SetBuilder.figure1().build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Exit code, stdout, stderr of one run. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(final Object command, final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        final int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void exportPrintsEachFormat() throws Exception {
        final Run dot = run(new ExportCommand(), AP1, "--format", "dot", "--url", server.url());
        assertEquals(0, dot.code(), dot.err());
        assertTrue(dot.out().startsWith("digraph ") && dot.out().contains("connects :5432"), dot.out());

        final Run csv = run(new ExportCommand(), AP1, "--format", "CSV", "--url", server.url());
        assertEquals(0, csv.code(), csv.err());
        final List<MemberRow> rows = CsvExport.parse(csv.out());
        assertEquals(2 + 4, rows.size(), "two programs and four files");

        final Run json = run(new ExportCommand(), AP1, "--url", server.url());
        assertEquals(0, json.code(), json.err());
        assertEquals(AP1, Json.MAPPER.readTree(json.out()).get("ap").asText());
    }

    @Test
    void exportErrorsAreMessagesNotStackTraces() throws Exception {
        final Run unknown = run(new ExportCommand(), "/bin/nothing@nowhere", "--url", server.url());
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("tether export: ") && unknown.err().contains("404"), unknown.err());

        final Run format = run(new ExportCommand(), AP1, "--format", "xml", "--url", server.url());
        assertEquals(2, format.code());
        assertTrue(format.err().contains("json|dot|csv"), format.err());

        final Run ap = run(new ExportCommand(), "nginx", "--url", server.url());
        assertEquals(2, ap.code());
        assertTrue(ap.err().contains("program@hostId"), ap.err());

        final Run url = run(new ExportCommand(), AP1, "--url", "ftp://x");
        assertEquals(1, url.code());
        assertTrue(url.err().contains("--url must be an http(s) URL"), url.err());

        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        final Run down = run(new ExportCommand(), AP1, "--url", "http://127.0.0.1:" + closedPort);
        assertEquals(1, down.code());
        assertTrue(down.err().contains("cannot reach Tether"), down.err());
        for (final Run r : List.of(unknown, format, ap, url, down)) {
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void planPrintsTextOrJsonAndWritesRsyncLists(@TempDir final Path dir) throws Exception {
        final Run text = run(new PlanCommand(), AP1, "--url", server.url());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("host computer1") && text.out().contains("host computer2"), text.out());
        assertTrue(text.out().contains("$ criu dump --tree 5200 "), text.out());

        final Run json = run(new PlanCommand(), AP1, "--json", "--files-from", dir.toString(), "--url", server.url());
        assertEquals(0, json.code(), json.err());
        final MigrationPlan plan = Json.MAPPER.readValue(json.out(), MigrationPlan.class);
        assertEquals(AP1, plan.ap());
        assertEquals("/srv/ap1/A\n", Files.readString(dir.resolve("computer1.copy")));
        assertEquals("/srv/ap1/B\n", Files.readString(dir.resolve("computer1.move")));
        assertEquals("/srv/ap2/C\n", Files.readString(dir.resolve("computer2.copy")));
        assertEquals("/srv/ap2/D\n", Files.readString(dir.resolve("computer2.move")));

        final Run unknown = run(new PlanCommand(), "/bin/nothing@nowhere", "--url", server.url());
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("tether plan: unknown AP /bin/nothing@nowhere: no events of it within the evidence window"), unknown.err());
    }
}
