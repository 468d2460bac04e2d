package io.tether.collector.support;

import io.tether.schemas.Topics;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.serde.AvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads what collectors published: all six event topics from the beginning, values decoded through the registry. */
public final class PublishedEvents implements AutoCloseable {
    private final KafkaConsumer<String, Object> consumer;
    private final List<ConsumerRecord<String, Object>> records = new ArrayList<>();

    public PublishedEvents(final String bootstrap, final String registryUrl) {
        final AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        @SuppressWarnings({"unchecked", "rawtypes"})
        final org.apache.kafka.common.serialization.Deserializer<Object> valueDeserializer = (org.apache.kafka.common.serialization.Deserializer) values;
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "auto.offset.reset", "earliest",
                "enable.auto.commit", false, "group.id", "test-" + System.nanoTime()),
                new StringDeserializer(), valueDeserializer);
        consumer.subscribe(List.of(Topics.EXEC, Topics.FORK, Topics.EXIT, Topics.OPEN, Topics.CONNECT, Topics.ACCEPT));
    }

    /** Polls until {@code done} holds for what was read so far, or the timeout passes; returns everything read. */
    public List<ConsumerRecord<String, Object>> until(final Predicate<List<ConsumerRecord<String, Object>>> done,
                                                      final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records) && System.nanoTime() - deadline < 0) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return List.copyOf(records);
    }

    public static EventHeader header(final ConsumerRecord<String, Object> record) {
        return (EventHeader) ((SpecificRecord) record.value()).get(0);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
