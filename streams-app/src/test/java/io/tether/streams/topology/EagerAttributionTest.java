package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.model.MigrationSet;
import io.tether.streams.topology.internals.HostProcessesProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Attribution does not wait for the grace period when the process is known, so a quiet system (nothing advances
 * stream time) still gets its sets; and what cannot be attributed is counted and sent to the DLQ, never dropped.
 */
class EagerAttributionTest extends TopologyTestBase {

    @Test
    void openOfAKnownProcessIsInTheSetWithoutLaterEvents() {
        final Proc p = proc("h1", 100, 0);
        exec(p, 1, "/usr/bin/editor");
        open(p, 10, "/home/u/notes.txt", AccessMode.WRITE);
        flush(); // wall-clock time only: stream time stays at the open

        final MigrationSet set = setOf("/usr/bin/editor@h1");
        assertNotNull(set, "the set is emitted without any later event");
        assertEquals(List.of("h1:/home/u/notes.txt=MOVE"), files(set));
    }

    @Test
    void openBeforeItsExecIsAttributedOnceTheExecArrivesWithoutLaterEvents() {
        final Proc p = proc("h1", 100, 0);
        open(p, 10, "/srv/early.db", AccessMode.WRITE);
        exec(p, 1, "/usr/bin/early");
        // the waiting open is attributed when its exec arrives: no later event needs to advance stream time
        flush();

        assertEquals(List.of("h1:/srv/early.db=MOVE"), files(setOf("/usr/bin/early@h1")));
        assertEquals(0.0, unattributed("open"));
    }

    @Test
    void matchedConnectionPairIsEmittedWithoutWaitingForTheWindowToClose() {
        final Proc web = proc("web-1", 100, 0);
        final Proc db = proc("db-1", 200, 0);
        exec(web, 1, "/usr/sbin/web");
        exec(db, 2, "/usr/sbin/db");
        connect(web, 100, "198.18.0.1", 40000, "198.18.0.2", 5432);
        accept(db, 101, "198.18.0.2", 5432, "198.18.0.1", 40000);
        flush();

        assertEquals(List.of("/usr/sbin/db@db-1", "/usr/sbin/web@web-1"), apps(setOf("/usr/sbin/web@web-1")));
    }

    @Test
    void eventWhoseExecNeverComesIsCountedAndSentToTheDlqAfterGrace() {
        final TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic(options.dlqTopic(),
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final Proc orphan = proc("h1", 999, 0);
        open(orphan, 10, "/srv/orphan", AccessMode.WRITE);
        flush();
        // within the grace it waits: not yet given up
        assertEquals(0.0, unattributed("open"));
        assertEquals(List.of(), dlq.readRecordsToList());

        // a known process's event moves stream time past the grace
        final Proc ticker = proc("h2", 1, 0);
        exec(ticker, 1, "/usr/bin/ticker");
        open(ticker, 10 + options.pidTableGrace().toMillis() + 1,
            "/tmp/tick", AccessMode.READ);
        flush();

        assertEquals(1.0, unattributed("open"));
        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList().stream()
            .filter(r -> r.key().equals(orphan.key())).toList();
        assertEquals(1, dead.size());
        final OpenEvent event = avro(OpenEvent.class).deserializer().deserialize(options.openTopic(),
            dead.get(0).value());
        assertEquals("/srv/orphan", event.getPath());
        final Header reason = dead.get(0).headers().lastHeader(HostProcessesProcessor.REASON_HEADER);
        assertEquals("unattributed: no exec for h1|999 (start time " + (T0 * 1000L) + ") within grace "
            + options.pidTableGrace().toMillis() + " ms", new String(reason.value(), StandardCharsets.UTF_8));
        assertNull(apIndex().get("/srv/orphan@h1"));
    }

    /** The {@code unattributed-events-total} metric of an event type, summed over tasks. */
    private double unattributed(final String eventType) {
        double total = 0;
        for (final Map.Entry<MetricName, ? extends Metric> m : driver.metrics().entrySet()) {
            final MetricName name = m.getKey();
            if (name.name().equals(HostProcessesProcessor.UNATTRIBUTED_METRIC + "-total")
                && eventType.equals(name.tags().get("event-type"))) {
                total += ((Number) m.getValue().metricValue()).doubleValue();
            }
        }
        return total;
    }
}
