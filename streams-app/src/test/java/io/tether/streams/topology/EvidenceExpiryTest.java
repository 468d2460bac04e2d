package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.MigrationSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

class EvidenceExpiryTest extends TopologyTestBase {

    /** Event time at which evidence last seen at {@code lastSeenMillis} has certainly been retired. */
    private long expiredAfter(final long lastSeenMillis) {
        return lastSeenMillis + options.evidenceWindow().toMillis() + options.evidenceLateness().toMillis()
            + 2 * options.expiryInterval().toMillis();
    }

    @Test
    void expiredConnectionSplitsTheComponent() {
        final Proc a = proc("h1", 100, 0);
        final Proc b = proc("h2", 200, 0);
        final Proc c = proc("h2", 300, 0);
        exec(a, 1, "/usr/bin/a");
        exec(b, 2, "/usr/bin/b");
        exec(c, 3, "/usr/bin/c");
        connect(a, 100, "198.18.0.1", 40000, "198.18.0.2", 9000);
        accept(b, 100, "198.18.0.2", 9000, "198.18.0.1", 40000);
        open(b, 110, "/srv/shared", AccessMode.WRITE);
        open(c, 111, "/srv/shared", AccessMode.READ);
        settle(settled(111));
        assertEquals(List.of("/usr/bin/a@h1", "/usr/bin/b@h2", "/usr/bin/c@h2"), apps(setOf("/usr/bin/c@h2")));

        // half a window later everybody is still active, but a and b no longer talk
        final long half = options.evidenceWindow().toMillis() / 2;
        open(a, half, "/etc/a.conf", AccessMode.READ);
        open(b, half, "/srv/shared", AccessMode.WRITE);
        open(c, half, "/srv/shared", AccessMode.READ);
        final long later = expiredAfter(111);
        open(a, later, "/etc/a.conf", AccessMode.READ);
        open(b, later, "/srv/shared", AccessMode.WRITE);
        open(c, later, "/srv/shared", AccessMode.READ);
        settle(settled(later));

        final MigrationSet aSet = setOf("/usr/bin/a@h1");
        final MigrationSet bcSet = setOf("/usr/bin/c@h2");
        assertEquals(List.of("/usr/bin/a@h1"), apps(aSet));
        assertEquals(List.of("h1:/etc/a.conf=COPY"), files(aSet));
        assertEquals(List.of(), aSet.getConnections());
        assertEquals(List.of("/usr/bin/b@h2", "/usr/bin/c@h2"), apps(bcSet));
        assertEquals("/usr/bin/b@h2", bcSet.getComponentId());
        assertEquals("/usr/bin/b@h2", apIndex().get("/usr/bin/b@h2"));
        assertEquals(List.of("h2:/srv/shared=MOVE"), files(bcSet));
    }

    @Test
    void componentWhoseSmallestMemberLeavesIsTombstonedAndReEmitted() {
        final TestOutputTopic<String, byte[]> out = driver.createOutputTopic(options.migrationSetsTopic(),
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final TestOutputTopic<String, String> index = driver.createOutputTopic(options.apIndexTopic(),
            Serdes.String().deserializer(), Serdes.String().deserializer());
        final Proc x = proc("h1", 100, 0);
        final Proc y = proc("h2", 200, 0);
        exec(x, 1, "/usr/bin/a-x");
        exec(y, 2, "/usr/bin/b-y");
        connect(x, 100, "198.18.0.1", 40000, "198.18.0.2", 9000);
        accept(y, 100, "198.18.0.2", 9000, "198.18.0.1", 40000);
        settle(settled(100));
        assertEquals("/usr/bin/a-x@h1", apIndex().get("/usr/bin/b-y@h2"));

        final long later = expiredAfter(100);
        open(y, later, "/etc/y.conf", AccessMode.READ);
        settle(settled(later));

        // x's evidence is gone: x leaves the graph, its component id is retired, y's set lives on under y's id
        assertNull(apIndex().get("/usr/bin/a-x@h1"));
        assertNull(set("/usr/bin/a-x@h1"));
        assertEquals(List.of("/usr/bin/b-y@h2"), apps(setOf("/usr/bin/b-y@h2")));
        final Map<String, byte[]> lastSets = out.readKeyValuesToMap();
        assertTrue(lastSets.containsKey("/usr/bin/a-x@h1"));
        assertNull(lastSets.get("/usr/bin/a-x@h1"), "tombstone for the vanished component id");
        final Map<String, String> lastIndex = index.readKeyValuesToMap();
        assertTrue(lastIndex.containsKey("/usr/bin/a-x@h1"));
        assertNull(lastIndex.get("/usr/bin/a-x@h1"), "tombstone for the AP that left");
        assertEquals("/usr/bin/b-y@h2", lastIndex.get("/usr/bin/b-y@h2"));
    }
}
