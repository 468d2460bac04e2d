package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.topic.HostPartitioner;
import io.tether.streams.topology.internals.HostProcessesProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The input topics are partitioned by host: the host task attributes the events of its own hosts and sends an event
 * found in another host's partition (produced without {@link HostPartitioner}) to the DLQ with the reason. The test
 * driver reads every input topic from partition 0, so with two input partitions a host that belongs in partition 1
 * plays the part of a wrongly produced host.
 */
class HostPartitioningTest extends TopologyTestBase {

    private static String hostIn(final int partition) {
        return IntStream.range(0, 1_000).mapToObj(i -> "host-" + i)
            .filter(h -> HostPartitioner.partitionOf(h, 2) == partition).findFirst().orElseThrow();
    }

    @Test
    void eventsOutsideTheirHostsPartitionGoToTheDlqWithTheReason() {
        restartFresh(Map.of(MigrationSetTopology.INPUT_PARTITIONS_CONFIG, "2"));
        final TestOutputTopic<String, byte[]> dlq = driver.createOutputTopic(options.dlqTopic(),
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final String home = hostIn(0);
        final String away = hostIn(1);

        final Proc ok = proc(home, 10, 0);
        exec(ok, 1, "/usr/bin/ok");
        open(ok, 2, "/srv/ok.db", AccessMode.WRITE);
        final Proc misplaced = proc(away, 20, 0);
        exec(misplaced, 1, "/usr/bin/misplaced");
        open(misplaced, 2, "/srv/misplaced.db", AccessMode.WRITE);
        flush();

        assertNotNull(setOf("/usr/bin/ok@" + home), "the task's own host is attributed");
        assertNull(apIndex().get("/usr/bin/misplaced@" + away), "another partition's host is not");
        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertEquals(List.of(misplaced.key(), misplaced.key()), dead.stream().map(TestRecord::key).toList(),
            "its exec and its open, nothing of the task's own host");
        final OpenEvent open = avro(OpenEvent.class).deserializer().deserialize(options.openTopic(), dead.get(1).value());
        assertEquals("/srv/misplaced.db", open.getPath());
        final String reason = new String(dead.get(1).headers().lastHeader(HostProcessesProcessor.REASON_HEADER).value(),
            StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("not in its host's partition: found in partition 0 of 2, host " + away
            + " belongs in partition 1"), reason);
        assertEquals(2.0, driver.metrics().entrySet().stream()
            .filter(m -> m.getKey().name().equals(HostProcessesProcessor.MISPARTITIONED_METRIC + "-total"))
            .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum());
    }

    @Test
    void withoutThePartitionCountEveryEventIsAttributedWhereItArrives() {
        // a single-partition setup (and this driver) needs no check: every host is in partition 0
        final Proc p = proc(hostIn(1), 30, 0);
        exec(p, 1, "/usr/bin/anywhere");
        open(p, 2, "/srv/anywhere.db", AccessMode.WRITE);
        flush();
        assertNotNull(setOf("/usr/bin/anywhere@" + hostIn(1)));
    }
}
