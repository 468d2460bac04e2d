package io.tether.collector.publish.internals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The write-ahead spool's files: what a restarted collector finds, in order, and what it deletes. */
class SpoolTest {
    private static final long SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aReopenedSpoolHandsBackEveryUnacknowledgedRecordInOrderAcrossSegments() throws IOException {
        final int n = 5_000;
        try (Spool spool = Spool.open(dir, 16L << 20, SEGMENT, 1 << 16)) {
            for (int i = 0; i < n; i++) {
                final byte[] body = ("event-" + i).getBytes(StandardCharsets.UTF_8);
                assertEquals(i, spool.append((byte) 4, 1000 + i, 1_700_000_000_000L + i, body, body.length));
            }
        }
        assertTrue(segmentFiles() > 1, "several segments were written");

        try (Spool reopened = Spool.open(dir, 16L << 20, SEGMENT, 1 << 16);
             SpoolCursor cursor = reopened.cursorAt(reopened.firstUnacked())) {
            assertEquals(n, reopened.recoveredRecords());
            assertEquals(n, reopened.nextIndex());
            final List<String> bodies = new ArrayList<>();
            while (cursor.next()) {
                assertEquals(1000 + bodies.size(), cursor.pid());
                assertEquals(1_700_000_000_000L + bodies.size(), cursor.timestampMillis());
                assertEquals(4, cursor.type());
                bodies.add(new String(cursor.body(), 0, cursor.bodyLength(), StandardCharsets.UTF_8));
                cursor.advance();
            }
            assertEquals(n, bodies.size());
            for (int i = 0; i < n; i++) {
                assertEquals("event-" + i, bodies.get(i));
            }
        }
    }

    @Test
    void acknowledgedSegmentsAreDeletedAndSkippedOnReplay() throws IOException {
        try (Spool spool = Spool.open(dir, 16L << 20, SEGMENT, 1 << 16)) {
            final byte[] body = new byte[200];
            for (int i = 0; i < 2_000; i++) {
                spool.append((byte) 1, i, i, body, body.length);
            }
            spool.flush();
            final long before = spool.bytes();
            // acknowledge the first 1,000 records, as producer callbacks would
            try (SpoolCursor cursor = spool.cursorAt(0)) {
                while (cursor.index() < 1_000 && cursor.next()) {
                    cursor.segment().ack(cursor.local());
                    cursor.advance();
                }
            }
            assertTrue(spool.deleteCompleted(false) > 0, "fully acknowledged segments go");
            assertTrue(spool.bytes() < before);
            assertEquals(1_000, spool.firstUnacked());
            try (SpoolCursor cursor = spool.cursorAt(spool.firstUnacked())) {
                assertTrue(cursor.next());
                assertEquals(1_000, cursor.pid());
            }
        }
    }

    @Test
    void aTornRecordAtTheTailEndsRecoveryThereAndTheRestIsKept() throws IOException {
        try (Spool spool = Spool.open(dir, 16L << 20, 1L << 20, 1 << 16)) {
            final byte[] body = "whole".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 10; i++) {
                spool.append((byte) 2, i, i, body, body.length);
            }
        }
        final Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        // a crash in the middle of writing an 11th record
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3}));
        }
        try (Spool reopened = Spool.open(dir, 16L << 20, 1L << 20, 1 << 16)) {
            assertEquals(10, reopened.recoveredRecords());
            final byte[] body = "after".getBytes(StandardCharsets.UTF_8);
            assertEquals(10, reopened.append((byte) 2, 10, 10, body, body.length));
            reopened.flush();
            try (SpoolCursor cursor = reopened.cursorAt(9)) {
                assertTrue(cursor.next());
                assertArrayEquals("whole".getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(cursor.body(), cursor.bodyLength()));
                cursor.advance();
                assertTrue(cursor.next());
                assertArrayEquals(body, java.util.Arrays.copyOf(cursor.body(), cursor.bodyLength()));
                cursor.advance();
                assertFalse(cursor.next());
            }
        }
    }

    @Test
    void probeRecordsNamedInRecordTrailersAreHandedBackAtReopenAndTheBodiesStayAsTheyWere() throws IOException {
        final List<Long> named = new ArrayList<>();
        try (Spool spool = Spool.open(dir, 16L << 20, SEGMENT, 1 << 16)) {
            for (int i = 0; i < 300; i++) {
                final byte[] body = ("event-" + i).getBytes(StandardCharsets.UTF_8);
                PositionList trailer = null;
                if (i % 3 == 2) {
                    // every third record closes a "batch": it names its own and the two before it, plus a folded one
                    trailer = new PositionList();
                    for (long p = 1_000L * i; p < 1_000L * i + 4; p++) {
                        trailer.add(p);
                        named.add(p);
                    }
                }
                // one large record too, past the write buffer, with a trailer
                final byte[] written = i == 150 ? new byte[2 << 20] : body;
                spool.append((byte) 4, i, i, written, 0, written.length, trailer);
            }
        }
        try (Spool reopened = Spool.open(dir, 16L << 20, SEGMENT, 1 << 16);
             SpoolCursor cursor = reopened.cursorAt(0)) {
            assertEquals(300, reopened.recoveredRecords());
            assertEquals(named, java.util.Arrays.stream(reopened.recoveredProbeRecords()).boxed().toList());
            int i = 0;
            while (cursor.next()) {
                assertEquals(4, cursor.type(), "the trailer flag is not part of the type");
                if (i == 150) {
                    assertEquals(2 << 20, cursor.bodyLength());
                } else {
                    assertEquals("event-" + i, new String(cursor.body(), 0, cursor.bodyLength(), StandardCharsets.UTF_8));
                }
                cursor.advance();
                i++;
            }
            assertEquals(300, i);
        }
    }

    @Test
    void aFullSpoolRefusesNewRecordsInsteadOfOverwritingOldOnes() throws IOException {
        try (Spool spool = Spool.open(dir, 16L << 20, 1L << 20, 1 << 16)) {
            final byte[] body = new byte[64 * 1024];
            long accepted = 0;
            long refused = 0;
            for (int i = 0; i < 400; i++) {
                if (spool.append((byte) 1, i, i, body, body.length) < 0) {
                    refused++;
                } else {
                    accepted++;
                }
            }
            assertTrue(refused > 0, "the bound is enforced");
            assertTrue(spool.bytes() <= 16L << 20);
            try (SpoolCursor cursor = spool.cursorAt(0)) {
                assertTrue(cursor.next());
                assertEquals(0, cursor.pid(), "the oldest records are kept");
            }
            assertEquals(accepted, spool.nextIndex());
        }
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".spool")).count();
        }
    }
}
