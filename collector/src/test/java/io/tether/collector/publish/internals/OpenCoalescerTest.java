package io.tether.collector.publish.internals;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.topic.EventType;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folding of repeated opens, driven with explicit clock values (no sleeping). */
class OpenCoalescerTest {
    private static final long WINDOW = TimeUnit.MILLISECONDS.toNanos(200);

    private final List<SpecificRecord> out = new ArrayList<>();
    private final OpenCoalescer coalescer = new OpenCoalescer(WINDOW);

    @Test
    void theFirstOpenGoesAtOnceAndItsRepeatsWithinTheWindowBecomeOneEventWithTheirCount() {
        final OpenEvent first = open(10, "/var/log/app.log", AccessMode.WRITE, true);
        offer(first, 0);
        assertEquals(List.of(first), out, "the first of its kind is not held back");
        final OpenEvent firstRepeat = open(10, "/var/log/app.log", AccessMode.WRITE, true);
        offer(firstRepeat, 1_000);
        offer(open(10, "/var/log/app.log", AccessMode.WRITE, true), 2_000);
        offer(open(10, "/var/log/app.log", AccessMode.WRITE, true), 3_000);
        assertEquals(1, out.size(), "repeats are held until the window passes");
        assertEquals(1, coalescer.held());
        coalescer.expire(WINDOW - 1, out::add);
        assertEquals(1, out.size());
        coalescer.expire(WINDOW, out::add);
        assertEquals(List.of(first, firstRepeat), out);
        assertEquals(1, first.getCount());
        assertEquals(3, firstRepeat.getCount(), "the three repeats");
        assertEquals(2, coalescer.coalesced());
        assertEquals(2, coalescer.folded());
        assertEquals(0, coalescer.held());

        // the window is over: the next identical open is a first of its kind again
        final OpenEvent later = open(10, "/var/log/app.log", AccessMode.WRITE, true);
        offer(later, WINDOW + 1);
        assertSame(later, out.get(2));
    }

    @Test
    void opensThatDifferInModeOutcomePathOrProcessInstanceAreNotFolded() {
        offer(open(10, "/etc/app.conf", AccessMode.READ, true), 0);
        offer(open(10, "/etc/app.conf", AccessMode.WRITE, true), 0);
        offer(open(10, "/etc/app.conf", AccessMode.READ, false), 0);
        offer(open(10, "/etc/app.conf.bak", AccessMode.READ, true), 0);
        offer(open(11, "/etc/app.conf", AccessMode.READ, true), 0);
        final OpenEvent reusedPid = open(10, "/etc/app.conf", AccessMode.READ, true);
        reusedPid.getHeader().setStartTime(reusedPid.getHeader().getStartTime() + 1);
        offer(reusedPid, 0);
        assertEquals(6, out.size(), "each a first of its kind, published at once");
        assertEquals(0, coalescer.held());
        coalescer.releaseAll(out::add);
        assertEquals(6, out.size());
        assertEquals(0, coalescer.coalesced());
    }

    @Test
    void anotherEventOfTheProcessReleasesItsHeldRepeatsFirstInTheOrderTheyBegan() {
        // more distinct files than the group's linear-scan limit, so its index is used too
        final List<OpenEvent> repeats = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            offer(open(10, "/data/file-" + i, AccessMode.READ, true), i);
        }
        for (int i = 19; i >= 0; i--) {
            final OpenEvent repeat = open(10, "/data/file-" + i, AccessMode.READ, true);
            repeats.add(repeat);
            offer(repeat, 100 + i);
            offer(open(10, "/data/file-" + i, AccessMode.READ, true), 100 + i);
        }
        offer(open(12, "/data/other", AccessMode.READ, true), 200);
        offer(open(12, "/data/other", AccessMode.READ, true), 201);
        assertEquals(21, out.size(), "the 20 first opens of pid 10 and pid 12's first");
        final ExitEvent exit = ExitEvent.newBuilder().setHeader(header(10)).setExitCode(0).build();
        offer(exit, 300);
        assertEquals(21 + 20 + 1, out.size(), "then pid 10's 20 repeats and its exit; pid 12's repeat stays held");
        for (int i = 0; i < 20; i++) {
            // in the order their files were first opened, each standing for two opens
            final OpenEvent released = (OpenEvent) out.get(21 + i);
            assertEquals("/data/file-" + i, released.getPath());
            assertEquals(2, released.getCount());
            assertTrue(repeats.contains(released));
        }
        assertSame(exit, out.get(41));
        assertEquals(1, coalescer.held());
        assertEquals(20, coalescer.coalesced());
    }

    @Test
    void theProbeRecordsFoldedIntoARepeatAreReportedJustBeforeItGoesSoTheyAreKeptWithIt() {
        // what the encoding stage sees: positions reported, then the event they ride with
        final List<Object> stream = new ArrayList<>();
        final OpenCoalescer withPositions = new OpenCoalescer(WINDOW, stream::add);
        final long[] positions = {100, 101, 103, 104};
        final List<OpenEvent> opens = new ArrayList<>();
        for (final long p : positions) {
            final OpenEvent o = open(10, "/var/log/app.log", AccessMode.WRITE, true);
            o.getHeader().setProbeSequence(p);
            opens.add(o);
        }
        final OpenEvent other = open(10, "/etc/other", AccessMode.READ, true);
        other.getHeader().setProbeSequence(102L);
        withPositions.offer(EventType.OPEN, opens.get(0), 0, stream::add);
        withPositions.offer(EventType.OPEN, opens.get(1), 1, stream::add);
        withPositions.offer(EventType.OPEN, other, 2, stream::add);
        withPositions.offer(EventType.OPEN, opens.get(2), 3, stream::add);
        withPositions.offer(EventType.OPEN, opens.get(3), 4, stream::add);
        assertEquals(List.of(opens.get(0), other), stream, "nothing of the held repeat is reported yet");
        withPositions.releaseAll(stream::add);
        // the repeat carries its own position (101); the two it folded come just before it
        assertEquals(List.of(opens.get(0), other, 103L, 104L, opens.get(1)), stream);
        assertEquals(3, opens.get(1).getCount());
    }

    @Test
    void aZeroWindowPassesEverythingStraightThrough() {
        final OpenCoalescer off = new OpenCoalescer(0);
        off.offer(EventType.OPEN, open(10, "/a", AccessMode.READ, true), 0, out::add);
        off.offer(EventType.OPEN, open(10, "/a", AccessMode.READ, true), 0, out::add);
        assertEquals(2, out.size());
        assertEquals(0, off.held());
    }

    private void offer(final SpecificRecord event, final long now) {
        coalescer.offer(EventType.of(event), event, now, out::add);
    }

    private static EventHeader header(final int pid) {
        return EventHeader.newBuilder().setHostId("h1").setPid(pid).setStartTime(1_000_000L * pid).setPpid(1)
                .setUid(0).setTimeMicros(5_000_000L).setSource(CaptureSource.PROBE).setSequence(0)
                .setCollectorRun("").setNetns(null).build();
    }

    private static OpenEvent open(final int pid, final String path, final AccessMode mode, final boolean succeeded) {
        return OpenEvent.newBuilder().setHeader(header(pid)).setPath(path).setFlags(0).setMode(mode).setCount(1)
                .setSucceeded(succeeded).build();
    }
}
