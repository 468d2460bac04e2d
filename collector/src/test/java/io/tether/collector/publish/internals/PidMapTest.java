package io.tether.collector.publish.internals;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PidMapTest {

    @Test
    void behavesLikeAHashMapUnderRandomPutsAndRemovesOfClusteredPids() {
        final PidMap<String> map = new PidMap<>();
        final Map<Integer, String> reference = new HashMap<>();
        final Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            // a narrow, dense pid range makes long probe chains and removals from their middle
            final int pid = random.nextInt(3_000) + (step % 7 == 0 ? 4_000_000 : 300);
            if (random.nextInt(3) == 0) {
                assertEquals(reference.remove(pid), map.remove(pid), "remove " + pid + " at step " + step);
            } else {
                final String value = "v" + step;
                reference.put(pid, value);
                map.put(pid, value);
            }
            assertEquals(reference.size(), map.size(), "size at step " + step);
        }
        for (int pid = 0; pid < 5_000; pid++) {
            assertEquals(reference.get(pid), map.get(pid), "pid " + pid);
        }
        for (final Map.Entry<Integer, String> e : reference.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
    }

    @Test
    void clearForgetsEverything() {
        final PidMap<String> map = new PidMap<>();
        for (int pid = 1; pid <= 1_000; pid++) {
            map.put(pid, "p" + pid);
        }
        map.clear();
        assertEquals(0, map.size());
        assertNull(map.get(500));
        map.put(500, "again");
        assertEquals("again", map.get(500));
    }

    @Test
    void refusesNullValues() {
        assertThrows(IllegalArgumentException.class, () -> new PidMap<String>().put(1, null));
    }
}
