package io.tether.collector.publish;

import io.tether.schemas.topic.HostPartitioner;
import java.util.HashMap;
import java.util.Map;

/**
 * How a collector's Kafka producer delivers and batches: idempotent, {@code acks=all}, large lz4 batches with a short
 * linger, partitions chosen by host ({@link HostPartitioner}). Public so that the publish-rate benchmark's bare-producer baseline runs with exactly the collector's
 * settings instead of a copy that could drift.
 */
public final class ProducerSettings {
    private ProducerSettings() {
    }

    /** A fresh, mutable map of the delivery and batching settings (no bootstrap servers, no timeouts). */
    public static Map<String, Object> delivery() {
        final Map<String, Object> props = new HashMap<>();
        props.put("enable.idempotence", true);
        props.put("acks", "all");
        props.put("max.in.flight.requests.per.connection", 5);
        props.put("linger.ms", 20);
        props.put("batch.size", 256 * 1024);
        props.put("buffer.memory", 64L << 20);
        props.put("compression.type", "lz4");
        // all events of this host share one partition number (the streams app attributes them there)
        return HostPartitioner.spreadByHost(props);
    }
}
