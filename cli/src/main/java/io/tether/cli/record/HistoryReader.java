package io.tether.cli.record;

import io.tether.cli.UserException;
import io.tether.schemas.serde.AvroDeserializer;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.schemas.serde.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the history of the input topics between two event times, up to the end offsets they had when reading
 * started (so it terminates while collectors keep producing). No consumer group: nothing of the live app's
 * offsets is touched. Records that cannot be decoded are counted and reported, never dropped silently.
 */
public final class HistoryReader {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int MAX_IDLE_POLLS = 120;

    private final Map<String, Object> clientConfigs;
    private final List<String> topics;
    private long undecodable;

    public HistoryReader(final Map<String, Object> clientConfigs, final List<String> topics) {
        this.clientConfigs = Map.copyOf(clientConfigs);
        this.topics = List.copyOf(topics);
    }

    /** Records that were in range but could not be decoded (bad bytes, unknown schema). */
    public long undecodable() {
        return undecodable;
    }

    /**
     * @param since    first event time to include (inclusive), or null for the beginning
     * @param until    last event time to include (inclusive), or null for "up to now"
     * @param progress called with the number of records read so far, now and then
     */
    public long read(final Instant since, final Instant until, final Consumer<RecordedEvent> sink,
                     final Consumer<Long> progress) {
        final Map<String, Object> props = new HashMap<>(clientConfigs);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        final AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>();
        values.configure(clientConfigs, false);
        long delivered = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            seekToStart(consumer, partitions, since);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int idle = 0;
            while (!reachedEnd(consumer, partitions, end)) {
                final var records = consumer.poll(POLL);
                idle = records.isEmpty() ? idle + 1 : 0;
                if (idle > MAX_IDLE_POLLS) {
                    throw new UserException("reading history stalled: no records for " + MAX_IDLE_POLLS * POLL.toMillis() / 1000
                            + " s before reaching the end offsets; is the broker healthy?");
                }
                for (final ConsumerRecord<String, byte[]> r : records) {
                    final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp) || (until != null && r.timestamp() > until.toEpochMilli())
                            || (since != null && r.timestamp() < since.toEpochMilli())) {
                        continue;
                    }
                    final SpecificRecord event;
                    try {
                        event = values.deserialize(r.topic(), r.headers(), r.value() == null ? null : ByteBuffer.wrap(r.value()));
                    } catch (final SerializationException e) {
                        undecodable++;
                        continue;
                    } catch (final SchemaRegistryException e) {
                        throw new UserException("cannot read schemas from the registry at "
                                + clientConfigs.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL) + ": " + e.getMessage(), e);
                    }
                    if (event == null) {
                        continue;
                    }
                    sink.accept(new RecordedEvent(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), event));
                    delivered++;
                }
                progress.accept(delivered);
            }
        } finally {
            values.close();
        }
        return delivered;
    }

    private List<TopicPartition> partitions(final KafkaConsumer<String, byte[]> consumer) {
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : topics) {
            final List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            } catch (final org.apache.kafka.common.errors.TimeoutException e) {
                throw new UserException("cannot reach Kafka at " + clientConfigs.get("bootstrap.servers")
                        + " to read " + topic + " (timed out); is tether local running?", e);
            }
            for (final PartitionInfo info : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
        }
        return partitions;
    }

    private static void seekToStart(final KafkaConsumer<String, byte[]> consumer, final List<TopicPartition> partitions,
                                    final Instant since) {
        if (since == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
        final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (final TopicPartition tp : partitions) {
            final OffsetAndTimestamp at = found.get(tp);
            consumer.seek(tp, at == null ? end.get(tp) : at.offset());
        }
    }

    private static boolean reachedEnd(final KafkaConsumer<String, byte[]> consumer, final List<TopicPartition> partitions,
                                      final Map<TopicPartition, Long> end) {
        for (final TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
