package io.tether.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaBrokerExtensionTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    @Test
    void consumerGroupReadsWhatWasProduced() throws Exception {
        KAFKA.createTopic("testkit.single", 2, Map.of());
        final List<String> sent = List.of("a", "b", "c", "d");
        try (KafkaProducer<String, String> producer = Clients.producer(KAFKA)) {
            for (final String value : sent) {
                producer.send(new ProducerRecord<>("testkit.single", value, value)).get();
            }
        }
        final Map<String, Object> config = KAFKA.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-group");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final List<String> received = Clients.drain(config, "testkit.single", sent.size());
        assertEquals(sent.stream().sorted().toList(), received.stream().sorted().toList());
    }

    @Test
    void creatingAnExistingTopicIsHarmless() {
        KAFKA.createTopics("testkit.twice");
        KAFKA.createTopics("testkit.twice");
        assertEquals(1, KAFKA.replicationFactor());
    }

    /** Small client helpers shared with the three-broker test. */
    static final class Clients {
        static KafkaProducer<String, String> producer(final KafkaEndpoint kafka) {
            final Map<String, Object> config = kafka.clientConfig();
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }

        /** Polls until {@code expected} records arrived or 60 polls found nothing new. */
        static List<String> drain(final Map<String, Object> config, final String topic, final int expected) {
            final List<String> received = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer =
                         new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                int idlePolls = 0;
                while (received.size() < expected && idlePolls < 60) {
                    final var records = consumer.poll(Duration.ofMillis(500));
                    idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
                    for (final ConsumerRecord<String, String> record : records) {
                        received.add(record.value());
                    }
                }
            }
            return received;
        }

        private Clients() {
        }
    }
}
