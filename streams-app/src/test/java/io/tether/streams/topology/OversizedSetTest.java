package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.MigrationSet;
import io.tether.streams.topology.internals.CouplingGraphProcessor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A component whose set outgrows the largest record the app may write (under exactly-once, one refused record
 * would fail the task's transaction on every retry): its set is held back and counted, the table keeps the last
 * set that fitted, and every other component goes on as usual.
 */
class OversizedSetTest extends TopologyTestBase {

    @Test
    void aSetTooLargeToWriteIsHeldBackAndCountedWhileTheRestGoesOn() {
        restartFresh(Map.of(MigrationSetTopology.MAX_SET_BYTES_CONFIG, "4000"));
        final Proc big = proc("h1", 100, 0);
        final Proc small = proc("h1", 200, 0);
        exec(big, 1, "/usr/bin/indexer");
        exec(small, 2, "/usr/bin/small");
        open(big, 10, "/data/index/part-0000", AccessMode.WRITE);
        open(small, 11, "/etc/small.conf", AccessMode.READ);
        settle(settled(11));
        assertEquals(1, setOf("/usr/bin/indexer@h1").getFiles().size());
        assertEquals(0.0, oversizedSets());

        // the indexer now writes 200 files: about 30 bytes each, far more than 4000 bytes in all
        for (int i = 1; i <= 200; i++) {
            open(big, 1_000 + i, String.format("/data/index/part-%04d", i), AccessMode.WRITE);
        }
        open(small, 1_300, "/etc/small-2.conf", AccessMode.READ);
        settle(settled(1_300));

        final MigrationSet kept = setOf("/usr/bin/indexer@h1");
        assertNotNull(kept, "the table keeps the indexer's last set that fitted");
        assertEquals(1, kept.getFiles().size());
        assertEquals(2, setOf("/usr/bin/small@h1").getFiles().size(), "other components are still emitted");
        final double held = oversizedSets();
        assertTrue(held >= 1.0, () -> "held-back sets counted: " + held);
    }

    private double oversizedSets() {
        return driver.metrics().entrySet().stream()
            .filter(e -> e.getKey().name().equals(CouplingGraphProcessor.OVERSIZED_METRIC + "-total"))
            .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
            .sum();
    }
}
