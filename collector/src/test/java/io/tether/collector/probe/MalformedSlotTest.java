package io.tether.collector.probe;

import io.tether.collector.probe.internals.RingLayout;
import io.tether.schemas.event.ExecEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A slot with garbage in it (a foreign or broken writer) is skipped and counted; the records after it still arrive. */
class MalformedSlotTest {
    @TempDir
    Path dir;

    @Test
    void garbageSlotsAreSkippedAndCounted() throws Exception {
        final Path ring = dir.resolve("h.ring");
        final CapturingSink sink = new CapturingSink();
        try (ProbeChannel channel = ProbeChannel.create(ring, "h", ProbeChannelConfig.DEFAULT.withSlots(256, 64))) {
            // play a broken writer: reserve the first two positions, commit an unknown type and an impossible length
            try (FileChannel ch = FileChannel.open(ring, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                final MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
                b.order(ByteOrder.LITTLE_ENDIAN);
                final long first = b.getLong(RingLayout.OFF_WRITE_CURSOR); // a multiple of the slot count: slot 0
                final int slot0 = RingLayout.HEADER_SIZE;
                b.putShort(slot0 + RingLayout.SLOT_TYPE, (short) 99);
                b.putLong(slot0 + RingLayout.SLOT_COMMIT, first + 1);
                final int slot1 = RingLayout.HEADER_SIZE + 256;
                b.putShort(slot1 + RingLayout.SLOT_TYPE, (short) RingLayout.REC_OPEN);
                b.putInt(slot1 + RingLayout.SLOT_LENGTH, 4);
                b.putLong(slot1 + RingLayout.SLOT_COMMIT, first + 2);
                b.putLong(RingLayout.OFF_WRITE_CURSOR, first + 2);
                b.force();
            }
            final ProbedRun run = ProbedRun.probed(channel, "exec-target", ring.toString());
            channel.start(sink);
            channel.close();
            assertEquals(2, channel.counters().malformed());
            assertEquals(run.pid(), sink.ofType(ExecEvent.class).get(0).getHeader().getPid());
            assertEquals(sink.all().size(), channel.counters().recordsRead());
        }
    }
}
