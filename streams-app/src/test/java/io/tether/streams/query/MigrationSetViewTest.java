package io.tether.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.schemas.model.MigrationSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationSetViewTest {

    private static final String AP1 = "/usr/bin/ap1@computer-1";
    private static final String AP2 = "/usr/bin/ap2@computer-2";

    /** The research's Figure 1: AP1 uses A and B, AP2 uses C and D, AP1 talks to AP2. */
    private static MigrationSet figureOne() {
        return MigrationSets.builder()
            .file("computer-1", "/data/A", AP1 + "=READ")
            .file("computer-1", "/data/B", AP1 + "=WRITE")
            .file("computer-2", "/data/C", AP2 + "=READ")
            .file("computer-2", "/data/D", AP2 + "=WRITE")
            .connects(AP1, "198.18.0.1", AP2, "198.18.0.2", 5432)
            .build();
    }

    @Test
    void figureOneExplainsEveryMemberFromTheQueriedAp() {
        final MigrationSetView view = MigrationSetView.of(AP1, figureOne(), null);
        final Map<String, WhyPath> why = byMember(view.why());

        assertEquals(List.of(AP1, AP2, "computer-1:/data/A", "computer-1:/data/B", "computer-2:/data/C", "computer-2:/data/D"),
            view.why().stream().map(WhyPath::member).toList());
        assertEquals(List.of(), why.get(AP1).chain());
        assertEquals(List.of(AP1 + " connects to " + AP2 + " (connects 198.18.0.2:5432)"), texts(why.get(AP2)));
        assertEquals(List.of(AP1 + " reads computer-1:/data/A"), texts(why.get("computer-1:/data/A")));
        assertEquals(List.of(AP1 + " connects to " + AP2 + " (connects 198.18.0.2:5432)", AP2 + " writes computer-2:/data/D"),
            texts(why.get("computer-2:/data/D")));
    }

    @Test
    void aChainWalkedAgainstAConnectionSaysWhoAccepts() {
        final MigrationSetView view = MigrationSetView.of(AP2, figureOne(), null);
        final WhyPath ap1 = byMember(view.why()).get(AP1);
        assertEquals(List.of(AP2 + " accepts connections from " + AP1 + " (connects 198.18.0.2:5432)"), texts(ap1));
        assertEquals(AP2, ap1.chain().get(0).from());
        assertEquals("CONNECTS", ap1.chain().get(0).kind());
    }

    @Test
    void transitiveMembersGetTheShortestChainThroughEveryCoupling() {
        final String a = "/bin/a@h1";
        final String b = "/bin/b@h2";
        final String c = "/bin/c@h2";
        final MigrationSet set = MigrationSets.builder()
            .connects(a, "198.18.0.1", b, "198.18.0.2", 80)
            .file("h2", "/var/shared.db", b + "=WRITE", c + "=READ")
            .build();

        final WhyPath whyC = byMember(WhyPaths.compute(a, set)).get(c);
        assertTrue(whyC.reachable());
        assertEquals(List.of(a, b), whyC.chain().stream().map(WhyStep::from).toList());
        assertEquals(List.of(b, c), whyC.chain().stream().map(WhyStep::to).toList());
        assertEquals(List.of("CONNECTS", "SHARES_WRITTEN_FILE"), whyC.chain().stream().map(WhyStep::kind).toList());
        // the file is explained through its nearest user, b (one hop), not c (two hops)
        final WhyPath file = byMember(WhyPaths.compute(a, set)).get("h2:/var/shared.db");
        assertEquals(List.of(a + " connects to " + b + " (connects 198.18.0.2:80)", b + " writes h2:/var/shared.db"), texts(file));
    }

    @Test
    void aMemberTheCouplingsDoNotReachIsMarkedUnreachable() {
        final MigrationSet set = MigrationSets.builder().app("/bin/a@h1").app("/bin/b@h1").build();
        final WhyPath b = byMember(WhyPaths.compute("/bin/a@h1", set)).get("/bin/b@h1");
        assertFalse(b.reachable());
        assertEquals(List.of(), b.chain());
    }

    @Test
    void jsonHasTheFieldsOfTheDesign() throws Exception {
        final MigrationSet set = MigrationSets.builder()
            .connects(AP1, "198.18.0.1", AP2, "2001:db8::2", 443)
            .file("computer-1", "/etc/app.conf", AP1 + "=READ")
            .external(AP2, "203.0.113.9", 25)
            .build();
        final JsonNode json = new ObjectMapper().valueToTree(MigrationSetView.of(AP1, set, "2026-01-01T00:00:00Z"));

        for (final String field : List.of("ap", "apps", "files", "connections", "external", "why")) {
            assertTrue(json.has(field), field);
        }
        assertEquals(AP1, json.get("ap").asText());
        assertEquals("2026-01-01T00:00:00Z", json.get("asOf").asText());
        final JsonNode app = json.get("apps").get(0);
        assertEquals(List.of("ap", "host", "program", "pids", "sources"), fieldNames(app));
        assertEquals("computer-1", app.get("host").asText());
        assertEquals("/usr/bin/ap1", app.get("program").asText());
        final JsonNode file = json.get("files").get(0);
        assertEquals("COPY", file.get("transfer").asText());
        assertEquals(AP1, file.get("openedBy").get(0).get("ap").asText());
        assertEquals("[2001:db8::2]:443", json.get("connections").get(0).get("server").asText());
        assertEquals("203.0.113.9:25", json.get("external").get(0).get("address").asText());
        assertTrue(json.get("external").get(0).get("local").isNull());
        assertEquals("2023-11-14T22:13:20Z", json.get("updated").asText());
    }

    private static Map<String, WhyPath> byMember(final List<WhyPath> why) {
        return why.stream().collect(Collectors.toMap(WhyPath::member, Function.identity()));
    }

    private static List<String> texts(final WhyPath path) {
        return path.chain().stream().map(WhyStep::text).toList();
    }

    private static List<String> fieldNames(final JsonNode node) {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
