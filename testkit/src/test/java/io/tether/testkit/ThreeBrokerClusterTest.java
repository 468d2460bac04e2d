package io.tether.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThreeBrokerClusterTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.threeBrokers();

    @Test
    void topicsAreReplicatedThreeTimesAndSurviveOneBrokerDown() throws Exception {
        assertEquals(3, KAFKA.brokerIds().size());
        KAFKA.createTopic("testkit.replicated", 3, Map.of());
        final TopicDescription description = KAFKA.admin().describeTopics(List.of("testkit.replicated"))
                .allTopicNames().get().get("testkit.replicated");
        description.partitions().forEach(p -> assertEquals(3, p.replicas().size()));

        try (KafkaProducer<String, String> producer = KafkaBrokerExtensionTest.Clients.producer(KAFKA)) {
            producer.send(new ProducerRecord<>("testkit.replicated", "k1", "before")).get();
            KAFKA.stopBroker(1);
            // acks=all with min ISR 2: two of three replicas are enough
            producer.send(new ProducerRecord<>("testkit.replicated", "k2", "during")).get();
            KAFKA.startBroker(1);
            producer.send(new ProducerRecord<>("testkit.replicated", "k3", "after")).get();
        }
        final Map<String, Object> config = KAFKA.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-three");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        assertEquals(List.of("after", "before", "during"),
                KafkaBrokerExtensionTest.Clients.drain(config, "testkit.replicated", 3).stream().sorted().toList());
    }
}
