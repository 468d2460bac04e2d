import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeChannelConfig;
import io.tether.collector.probe.ProbeCounters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The collector side of the benchmark: creates the ring and drains it with the real reader (ProbeChannel) into a
 * counting sink (a 32 MiB ring: 65536 slots of 512 bytes), until the file RING.stop appears; then prints the channel's counters.
 * UNREAD_RING is created too but read only at the end: the benchmark's "probe-unread" configuration writes there.
 * Run in source-file mode:  java -cp CLASSPATH bench/probe/RingDrain.java RING UNREAD_RING
 */
public class RingDrain {
    public static void main(final String[] args) throws Exception {
        final Path ring = Path.of(args[0]);
        final Path stop = Path.of(args[0] + ".stop");
        final AtomicLong events = new AtomicLong();
        final AtomicLong unreadEvents = new AtomicLong();
        try (ProbeChannel channel = ProbeChannel.create(ring, "bench",
                ProbeChannelConfig.DEFAULT.withSlots(512, 65536));
             ProbeChannel unread = ProbeChannel.create(Path.of(args[1]), "bench",
                     ProbeChannelConfig.DEFAULT.withSlots(512, 65536))) {
            channel.start(e -> events.incrementAndGet());
            Files.writeString(Path.of(args[0] + ".ready"), "ready");
            while (!Files.exists(stop)) {
                Thread.sleep(100);
            }
            channel.close();
            final ProbeCounters c = channel.counters();
            System.out.println("ring drain (live reader): events=" + events.get() + " " + c);
            unread.start(e -> unreadEvents.incrementAndGet());
            unread.close();
            System.out.println("ring drain (read at the end): events=" + unreadEvents.get() + " " + unread.counters());
        }
    }
}
