package io.tether.streams.topology.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CoalescedFileUseTest {

    @Test
    void theStoreKeyGivesBackTheUseWhateverTheNamesHold() {
        // names with the key's separator, digits and the mode letters in them: the key must still read back
        final GraphEvent open = GraphEvent.file("h\u001f12", "/opt/9\u001fw/bin", 77, 5, 3_000L,
            "/data/\u001fr\u001f/1", true, 1);
        final FileEvidenceCoalescer.CoalescedFileUse use = FileEvidenceCoalescer.CoalescedFileUse.sent(1_000L)
            .withRepeat(open);
        final GraphEvent back = use.unsentEvent(FileEvidenceCoalescer.useKey(open));
        assertEquals(open, back);
    }

    @Test
    void repeatsSumTheirCountsAndKeepTheLatestProcess() {
        final GraphEvent early = GraphEvent.file("h1", "/usr/bin/a", 10, 1, 5_000L, "/etc/a.conf", false, 2);
        final GraphEvent late = GraphEvent.file("h1", "/usr/bin/a", 11, 1, 9_000L, "/etc/a.conf", false, 3);
        final FileEvidenceCoalescer.CoalescedFileUse sent = FileEvidenceCoalescer.CoalescedFileUse.sent(1_000L);
        assertFalse(sent.hasUnsent());
        // arrival order does not matter: the later event's time and pid win either way
        for (final FileEvidenceCoalescer.CoalescedFileUse use : new FileEvidenceCoalescer.CoalescedFileUse[] {
            sent.withRepeat(early).withRepeat(late), sent.withRepeat(late).withRepeat(early)}) {
            assertTrue(use.hasUnsent());
            assertEquals(GraphEvent.file("h1", "/usr/bin/a", 11, 1, 9_000L, "/etc/a.conf", false, 5),
                use.unsentEvent(FileEvidenceCoalescer.useKey(late)));
            assertEquals(use, FileEvidenceCoalescer.CoalescedFileUse.SERDE.decode(
                FileEvidenceCoalescer.CoalescedFileUse.SERDE.encode(use)));
            assertEquals(1_000L, use.sentMicros());
        }
    }
}
