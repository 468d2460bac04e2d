package io.tether.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tether.schemas.identity.ProcessKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class HostPartitionerTest {

    private static Cluster cluster(final String topic, final int partitions) {
        final Node node = new Node(0, "localhost", 9092);
        final List<PartitionInfo> infos = new java.util.ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(topic, p, node, new Node[] {node}, new Node[] {node}));
        }
        return new Cluster("c", List.of(node), infos, Set.of(), Set.of());
    }

    @Test
    void everyProcessOfAHostLandsInTheHostsPartition() {
        final Cluster cluster = cluster("tether.open", 6);
        try (HostPartitioner partitioner = new HostPartitioner()) {
            final Set<Integer> partitions = new TreeSet<>();
            for (int pid = 1; pid < 500; pid++) {
                final String key = ProcessKey.of("web-1", pid);
                partitions.add(partitioner.partition("tether.open", key, key.getBytes(StandardCharsets.UTF_8), null,
                    null, cluster));
            }
            assertEquals(Set.of(HostPartitioner.partitionOf("web-1", 6)), partitions);
        }
    }

    @Test
    void aKeySentAsBytesLandsWhereTheSameKeyAsAStringDoes() {
        final Cluster cluster = cluster("tether.exec", 5);
        try (HostPartitioner partitioner = new HostPartitioner()) {
            for (int h = 0; h < 50; h++) {
                final byte[] key = ProcessKey.of("h|ost-" + h, 7).getBytes(StandardCharsets.UTF_8);
                assertEquals(HostPartitioner.partitionOf("h|ost-" + h, 5),
                    partitioner.partition("tether.exec", key, key, null, null, cluster), "host h|ost-" + h);
            }
        }
    }

    @Test
    void theHostsPartitionIsWhereKafkaPutsARecordKeyedByTheHostId() {
        // the streams app reads a host's events where Kafka's default partitioner would put a record keyed by the
        // host id, so that its own repartition topics (keyed by host id) agree with the input topics
        final Set<Integer> seen = new TreeSet<>();
        for (int h = 0; h < 200; h++) {
            final String host = "host-" + h;
            final int expected = BuiltInPartitioner.partitionForKey(host.getBytes(StandardCharsets.UTF_8), 7);
            assertEquals(expected, HostPartitioner.partitionOf(host, 7), host);
            seen.add(expected);
        }
        assertEquals(7, seen.size(), "hosts spread over every partition");
    }

    @Test
    void aKeyThatIsNotHostIdPidIsRefused() {
        try (HostPartitioner partitioner = new HostPartitioner()) {
            assertThrows(IllegalArgumentException.class,
                () -> partitioner.partition("tether.open", "no-bar", new byte[0], null, null, cluster("tether.open", 2)));
            assertThrows(IllegalArgumentException.class,
                () -> partitioner.partition("tether.open", null, null, null, null, cluster("tether.open", 2)));
        }
    }
}
