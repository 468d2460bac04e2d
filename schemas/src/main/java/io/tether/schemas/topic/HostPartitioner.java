package io.tether.schemas.topic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * How input events are spread over partitions: by host. A record keeps its key {@code hostId|pid} (so the events
 * of a process stay in order), but its partition is chosen from the {@code hostId} alone, exactly as Kafka's own
 * partitioner would choose it for a record keyed by the bare host id. All events of a host, in all six input
 * topics, therefore share one partition number, and the streams app attributes them in the task of that partition
 * without repartitioning them first (which cost one more exactly-once hop per event).
 *
 * <p>Every producer of input events uses it ({@code partitioner.class}, see {@link #spreadByHost}); the streams app
 * sends an event it finds in another partition to the dead-letter topic with the reason rather than attribute it in
 * a task that does not hold its host's processes.
 */
public final class HostPartitioner implements Partitioner {

    /** The partition of {@code hostId}'s events in a topic of {@code partitions} partitions. */
    public static int partitionOf(final String hostId, final int partitions) {
        return Utils.toPositive(Utils.murmur2(hostId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Makes producer settings spread input events by host. */
    public static Map<String, Object> spreadByHost(final Map<String, Object> producerSettings) {
        producerSettings.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, HostPartitioner.class.getName());
        return producerSettings;
    }

    /**
     * Partitions by the host part of the serialized key ({@code hostId|pid} in UTF-8), whatever the producer's key
     * type: the collector sends keys as bytes it encoded itself.
     */
    @Override
    public int partition(final String topic, final Object key, final byte[] keyBytes, final Object value,
                         final byte[] valueBytes, final Cluster cluster) {
        int bar = keyBytes == null ? -1 : keyBytes.length - 1;
        while (bar >= 0 && keyBytes[bar] != '|') {
            bar--;
        }
        if (bar < 0) {
            throw new IllegalArgumentException("input events are keyed hostId|pid, not "
                + (keyBytes == null ? "null" : "'" + new String(keyBytes, StandardCharsets.UTF_8) + "'"));
        }
        return Utils.toPositive(Utils.murmur2(Arrays.copyOf(keyBytes, bar))) % cluster.partitionCountForTopic(topic);
    }

    @Override
    public void configure(final Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
