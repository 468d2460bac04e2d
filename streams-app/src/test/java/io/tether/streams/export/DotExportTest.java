package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tether.streams.export.SetBuilder.ip;
import static io.tether.streams.export.SetBuilder.use;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The DOT export is rendered by the real Graphviz {@code dot}; the SVG it draws is checked. */
class DotExportTest {

    private static String dot;

    @BeforeAll
    static void findGraphviz() {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "dot"))) {
                dot = Path.of(dir, "dot").toString();
                return;
            }
        }
    }

    @Test
    void figureOneRendersWithHostsAsClustersAndEveryMemberAsANode() throws Exception {
        final SetBuilder builder = SetBuilder.figure1()
            .external("/opt/ap2/bin/ap2@computer2", Direction.OUTBOUND, ip("198.18.9.9", 443), ip("198.18.0.2", 50000), Protocol.TCP);
        final MigrationSet set = builder.build();
        final String svg = renderSvg(DotExport.render(builder.view("/opt/ap1/bin/ap1@computer1")));

        assertEquals(2, count(svg, "class=\"cluster\""), "one cluster per host");
        assertEquals(set.getApps().size() + set.getFiles().size() + 1, count(svg, "class=\"node\""));
        // 4 file uses + 1 connection + 1 external connection
        assertEquals(6, count(svg, "class=\"edge\""));
        assertTrue(svg.contains("connects :5432"), "connection edge labelled with the server port");
        assertTrue(svg.contains(">writes<") && svg.contains(">reads<"), "file edges labelled with the access mode");
        assertTrue(svg.contains("EXTERNAL") && svg.contains("198.18.9.9:443"));
        assertTrue(svg.contains("host computer1") && svg.contains("host computer2"));
    }

    @Test
    void namesWithQuotesBackslashesNewlinesAndUnicodeStillRender() throws Exception {
        final String odd = "/srv/we\"ird\\dir/{a -> b};\nline2/ünï.txt";
        final String program = "/usr/bin/python3 /srv/app \"x\".py";
        final SetBuilder builder = SetBuilder.set()
            .app(program, "host-1", List.of(7), CaptureSource.PROBE)
            .file("host-1", odd, Transfer.MOVE, use(program + "@host-1", AccessMode.WRITE));
        final String svg = renderSvg(DotExport.render(builder.view(program + "@host-1")));

        assertEquals(2, count(svg, "class=\"node\""));
        assertEquals(1, count(svg, "class=\"edge\""));
        assertTrue(svg.contains("ünï.txt"), "unicode survives");
    }

    @Test
    void aSetOfHundredsOfMembersRenders() throws Exception {
        final SetBuilder builder = SetBuilder.set();
        for (int i = 0; i < 150; i++) {
            final String host = "h" + (i % 5);
            final String program = "/opt/p" + i;
            builder.app(program, host, List.of(1000 + i), CaptureSource.PROBE)
                .file(host, "/data/f" + i, i % 2 == 0 ? Transfer.COPY : Transfer.MOVE,
                    use(program + "@" + host, i % 2 == 0 ? AccessMode.READ : AccessMode.WRITE));
            if (i > 0) {
                builder.tcp("/opt/p" + (i - 1) + "@h" + ((i - 1) % 5), ip("198.18.1." + (i % 250), 40000 + i),
                    program + "@" + host, ip("198.18.2." + (i % 250), 8000 + i));
            }
        }
        final String svg = renderSvg(DotExport.render(builder.view("/opt/p0@h0")));
        assertEquals(300, count(svg, "class=\"node\""));
        assertEquals(150 + 149, count(svg, "class=\"edge\""));
    }

    private static String renderSvg(final String dotSource) throws IOException, InterruptedException {
        assumeTrue(dot != null, "Graphviz 'dot' is not installed (apt-get install graphviz): skipping DOT rendering");
        final Path in = Files.createTempFile("tether-dot", ".dot");
        final Path out = Files.createTempFile("tether-dot", ".svg");
        final Path err = Files.createTempFile("tether-dot", ".err");
        try {
            Files.writeString(in, dotSource, StandardCharsets.UTF_8);
            final Process p = new ProcessBuilder(dot, "-Tsvg", "-o", out.toString(), in.toString())
                .redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dot did not finish");
            final String stderr = Files.readString(err);
            assertEquals(0, p.exitValue(), "dot failed: " + stderr + "\n" + dotSource);
            assertTrue(stderr.isBlank(), "dot warned: " + stderr);
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static int count(final String text, final String needle) {
        final Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
