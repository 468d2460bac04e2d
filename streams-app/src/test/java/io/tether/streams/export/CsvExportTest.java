package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Direction;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;
import io.tether.streams.query.Addresses;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.WhyPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.tether.streams.export.SetBuilder.ip;
import static io.tether.streams.export.SetBuilder.unix;
import static io.tether.streams.export.SetBuilder.use;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvExportTest {

    private static final String ODD_PROGRAM = "/usr/bin/python3 /srv/a;b, \"c\".py";
    private static final String ODD_PATH = "/data/x,y/\"quoted\"\r\nnext line;=READ/ü.db";

    private static final String AP1 = "/opt/ap1/bin/ap1@computer1";

    private static SetBuilder oddSet() {
        final String oddAp = ODD_PROGRAM + "@h2";
        return SetBuilder.figure1()
            .app(ODD_PROGRAM, "h2", List.of(9, 10, 11), CaptureSource.PROCSCAN)
            .file("h2", ODD_PATH, Transfer.MOVE, use(oddAp, AccessMode.WRITE), use("/opt/ap1/bin/ap1@computer1", AccessMode.READ))
            .external(oddAp, Direction.INBOUND, ip("2001:db8::7", 51000), ip("198.18.0.9", 8443), Protocol.TCP)
            .external("/opt/ap1/bin/ap1@computer1", Direction.OUTBOUND, unix("/run/x,y.sock"), null, Protocol.UNIX_STREAM);
    }

    @Test
    void parsesBackToTheSameMembers() {
        final MigrationSet set = oddSet().build();
        final MigrationSetView view = oddSet().view(AP1);
        final List<MemberRow> parsed = CsvExport.parse(CsvExport.render(view));

        assertEquals(CsvExport.rows(view), parsed, "round trip keeps every cell");
        assertEquals(set.getApps().size() + set.getFiles().size() + set.getExternal().size(), parsed.size(),
            "one row per member");

        // Independently of the row model: every member of the set is found again by its identity.
        final Set<String> apps = set.getApps().stream()
            .map(a -> a.getAp() + "|" + a.getHost() + "|" + a.getProgram() + "|" + a.getPids()).collect(Collectors.toSet());
        final Set<String> files = set.getFiles().stream()
            .map(f -> f.getHost() + "|" + f.getPath() + "|" + f.getTransfer() + "|"
                + f.getOpenedBy().stream().map(u -> u.getAp() + "=" + u.getMode()).toList())
            .collect(Collectors.toSet());
        final Set<String> external = set.getExternal().stream()
            .map(e -> e.getAp() + "|" + Addresses.format(e.getAddress()) + "|" + e.getDirection() + "|" + e.getProtocol())
            .collect(Collectors.toSet());
        assertEquals(apps, parsed.stream().filter(r -> r.kind().equals(MemberRow.APP))
            .map(r -> r.member() + "|" + r.host() + "|" + r.program() + "|" + r.pids()).collect(Collectors.toSet()));
        assertEquals(files, parsed.stream().filter(r -> r.kind().equals(MemberRow.FILE))
            .map(r -> r.host() + "|" + r.member() + "|" + r.transfer() + "|" + r.usedBy()).collect(Collectors.toSet()));
        assertEquals(external, parsed.stream().filter(r -> r.kind().equals(MemberRow.EXTERNAL))
            .map(r -> r.usedBy().get(0) + "|" + r.member() + "|" + r.direction() + "|" + r.protocol())
            .collect(Collectors.toSet()));

        // why is the query layer's chain, as text
        final WhyPath ap2Why = view.why().stream().filter(w -> w.member().equals("/opt/ap2/bin/ap2@computer2")).findFirst().orElseThrow();
        final MemberRow ap2 = parsed.stream().filter(r -> r.member().equals("/opt/ap2/bin/ap2@computer2")).findFirst().orElseThrow();
        assertEquals(ap2Why.chain().get(0).text(), ap2.why());
        assertTrue(ap2.why().contains(AP1), ap2.why());
        final MemberRow fileD = parsed.stream().filter(r -> r.member().equals("/srv/ap2/D")).findFirst().orElseThrow();
        assertTrue(fileD.why().startsWith(ap2.why() + "; ") && fileD.why().endsWith("writes computer2:/srv/ap2/D"), fileD.why());
    }

    @Test
    void writesRfc4180() {
        final String csv = CsvExport.render(oddSet().view(AP1));
        assertTrue(csv.startsWith(String.join(",", MemberRow.COLUMNS) + "\r\n"), "header then CRLF");
        assertTrue(csv.contains("\"" + ODD_PATH.replace("\"", "\"\"") + "\""), "quoted field with doubled quotes");
        assertTrue(csv.endsWith("\r\n"));
    }

    @Test
    void rejectsMalformedInputWithTheRecordNumber() {
        final String header = String.join(",", MemberRow.COLUMNS) + "\r\n";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CsvExport.parse("a,b\r\n")).getMessage()
            .contains("header"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> CsvExport.parse(header + "APP,\"unterminated\r\n")).getMessage().contains("record 2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> CsvExport.parse(header + "APP,x\"y,h,,,,,,,\r\n")).getMessage().contains("quote"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> CsvExport.parse(header + "APP,x,h,p,1 two,,,,,\r\n")).getMessage().contains("pids"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> CsvExport.parse(header + "APP,x\r\n")).getMessage().contains("fields"));
    }

    @Test
    void anEmptyFieldAtTheEndOfTheDocumentIsKept() {
        final SetBuilder builder = SetBuilder.set().app("/bin/a", "h", List.of());
        final MigrationSet set = builder.build();
        final List<MemberRow> rows = CsvExport.parse(CsvExport.render(builder.view("/bin/a@h")));
        assertEquals(1, rows.size());
        final AppMember app = set.getApps().get(0);
        assertEquals(app.getAp(), rows.get(0).member());
        assertEquals(List.of(), rows.get(0).pids());
        assertEquals("", rows.get(0).why());
    }

}
