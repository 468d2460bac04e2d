package io.tether.cli.watch;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.Coupling;
import io.tether.schemas.model.CouplingKind;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.model.Transfer;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lines {@code tether watch} prints for a change, as a user reads them. */
class MigrationSetDiffTest {
    private static final String APP = "/usr/bin/app@app-1";
    private static final String BATCH = "/usr/bin/batch@app-1";

    @Test
    void aNewSetListsItsProgramsAndItsFilesWithWhoReadsAndWhoWritesThem() {
        final MigrationSet set = MigrationSet.newBuilder()
                .setComponentId(APP)
                .setUpdatedMicros(1_795_000_000_000_000L)
                .setApps(List.of(app(APP), app(BATCH)))
                .setFiles(List.of(
                        file("/data/orders.db", Transfer.MOVE, use(APP, AccessMode.WRITE), use(BATCH, AccessMode.READ)),
                        file("/etc/app.conf", Transfer.COPY, use(APP, AccessMode.READ))))
                .setConnections(List.of())
                .setExternal(List.of())
                .setCouplings(List.of(Coupling.newBuilder().setFrom(APP).setTo(BATCH)
                        .setKind(CouplingKind.SHARES_WRITTEN_FILE).setDetail("writes app-1:/data/orders.db")
                        .setLastSeenMicros(1_795_000_000_000_000L).build()))
                .build();

        assertEquals(List.of(
                "+ " + APP + "  (writes app-1:/data/orders.db, with " + BATCH + ")",
                "+ " + BATCH + "  (writes app-1:/data/orders.db, with " + APP + ")",
                "+ /data/orders.db@app-1  MOVE (written by " + APP + ", read by " + BATCH + ")",
                "+ /etc/app.conf@app-1  COPY (read by " + APP + ")"),
                MigrationSetDiff.lines(null, set));
        assertEquals(List.of("- " + APP, "- " + BATCH, "- /data/orders.db@app-1", "- /etc/app.conf@app-1"),
                MigrationSetDiff.lines(set, null));
    }

    private static AppMember app(final String ap) {
        final int at = ap.lastIndexOf('@');
        return AppMember.newBuilder().setAp(ap).setHost(ap.substring(at + 1)).setProgram(ap.substring(0, at))
                .setPids(List.of(42)).setSources(List.of(CaptureSource.PROBE)).build();
    }

    private static FileMember file(final String path, final Transfer transfer, final FileUse... uses) {
        return FileMember.newBuilder().setHost("app-1").setPath(path).setTransfer(transfer).setOpenedBy(List.of(uses)).build();
    }

    private static FileUse use(final String ap, final AccessMode mode) {
        return FileUse.newBuilder().setAp(ap).setMode(mode).setCount(1).build();
    }
}
