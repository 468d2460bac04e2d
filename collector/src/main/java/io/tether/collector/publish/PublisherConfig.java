package io.tether.collector.publish;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link KafkaEventPublisher}.
 *
 * @param hostId          the host whose events this publisher sends (record keys are {@code hostId|pid})
 * @param collectorRun    id of this collector run, stamped on every event with its sequence number
 * @param producerConfigs Kafka producer settings (at least {@code bootstrap.servers}); they override the defaults
 * @param topics          topic per default topic name (io.tether.schemas.Topics); names not in the map are used as is
 * @param spoolDir        directory of the local spool (one per host)
 * @param spoolMaxBytes   bound of the spool; when reached, new events are refused and counted as dropped
 * @param coalesceWindow  how long identical opens are folded together (zero turns coalescing off)
 * @param queueCapacity   events buffered between the capture sources and the sender thread
 * @param logInterval     period of the counters log line (zero: never)
 */
public record PublisherConfig(String hostId, String collectorRun, Map<String, Object> producerConfigs,
                              Map<String, String> topics, Path spoolDir, long spoolMaxBytes, Duration coalesceWindow,
                              int queueCapacity, Duration logInterval) {
    public static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;
    public static final Duration DEFAULT_COALESCE_WINDOW = Duration.ofMillis(200);
    /**
     * Events queued on the heap ahead of the encoding thread. Kept modest: a full queue is live data every young GC
     * copies (a 65,536-event queue cost the benchmark seconds of GC pauses); bursts beyond it wait upstream, in the
     * probe's off-heap ring or the scanner's thread.
     */
    public static final int DEFAULT_QUEUE_CAPACITY = 1 << 14;
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(30);

    public PublisherConfig {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(collectorRun, "collectorRun");
        producerConfigs = Map.copyOf(producerConfigs);
        topics = Map.copyOf(topics);
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(coalesceWindow, "coalesceWindow");
        Objects.requireNonNull(logInterval, "logInterval");
        if (spoolMaxBytes < (16L << 20)) {
            throw new IllegalArgumentException("spool bound must be at least 16 MiB, got " + spoolMaxBytes + " bytes");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive");
        }
    }

    /** Defaults for everything but the host, run, bootstrap servers and spool directory. */
    public static PublisherConfig defaults(final String hostId, final String collectorRun, final String bootstrapServers,
                                           final Path spoolDir) {
        return new PublisherConfig(hostId, collectorRun, Map.of("bootstrap.servers", bootstrapServers), Map.of(),
                spoolDir, DEFAULT_SPOOL_MAX_BYTES, DEFAULT_COALESCE_WINDOW, DEFAULT_QUEUE_CAPACITY, DEFAULT_LOG_INTERVAL);
    }

    public PublisherConfig withProducerConfigs(final Map<String, Object> more) {
        final Map<String, Object> merged = new java.util.HashMap<>(producerConfigs);
        merged.putAll(more);
        return new PublisherConfig(hostId, collectorRun, merged, topics, spoolDir, spoolMaxBytes, coalesceWindow,
                queueCapacity, logInterval);
    }

    public PublisherConfig withCoalesceWindow(final Duration window) {
        return new PublisherConfig(hostId, collectorRun, producerConfigs, topics, spoolDir, spoolMaxBytes, window,
                queueCapacity, logInterval);
    }

    public PublisherConfig withSpoolMaxBytes(final long bytes) {
        return new PublisherConfig(hostId, collectorRun, producerConfigs, topics, spoolDir, bytes, coalesceWindow,
                queueCapacity, logInterval);
    }

    public String topic(final String defaultTopic) {
        return topics.getOrDefault(defaultTopic, defaultTopic);
    }
}
