package io.tether.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.serde.AvroDeserializer;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.schemas.serde.AvroSerializer;
import io.tether.schemas.serde.WireFormatException;
import io.tether.testkit.KafkaEndpoint;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Events through producer → broker → consumer with Tether's serde and registry. Runs against any
 * {@link KafkaEndpoint}: the in-process broker always, Docker's Kafka when an engine is present.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractEventRoundTripTest {

    private SchemaRegistryServer registry;
    private RegistryHttp http;

    /** The cluster under test, already started by the subclass's extension. */
    protected abstract KafkaEndpoint kafka();

    @BeforeAll
    void startRegistry() {
        registry = SchemaRegistryServer.start(kafka().bootstrapServers(), 0);
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void everyEventTypeRoundTripsThroughSerdeRegistryAndBroker() throws Exception {
        final List<SpecificRecord> events = SampleEvents.all();
        final List<String> topics = events.stream().map(e -> topicFor(e, "rt")).toList();
        topics.forEach(kafka()::createTopics);
        try (KafkaProducer<String, SpecificRecord> producer = producer()) {
            for (int i = 0; i < events.size(); i++) {
                producer.send(new ProducerRecord<>(topics.get(i), ProcessKey.of("host-a", i), events.get(i))).get();
            }
        }
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer()) {
            for (int i = 0; i < events.size(); i++) {
                final List<ConsumerRecord<String, SpecificRecord>> read = readAll(consumer, topics.get(i), 1);
                assertEquals(1, read.size(), topics.get(i));
                assertEquals(events.get(i), read.get(0).value(), topics.get(i));
                assertEquals(ProcessKey.of("host-a", i), read.get(0).key());
                // the serializer registered the writer schema under <topic>-value
                final Schema registered = new Schema.Parser().parse(
                        http.get("/subjects/" + topics.get(i) + "-value/versions/latest").json().get("schema").asText());
                assertEquals(events.get(i).getSchema(), registered);
            }
        }
    }

    @Test
    void anOldReaderReadsRecordsWrittenWithANewerCompatibleSchema() throws Exception {
        final String topic = "evolve.exec";
        kafka().createTopics(topic);
        final ExecEvent old = SampleEvents.exec();
        try (KafkaProducer<String, SpecificRecord> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "k", old)).get();
        }

        // a newer writer added an optional field with a default: BACKWARD compatible, so the registry takes it
        final Schema newer = withExtraField(ExecEvent.getClassSchema(), true);
        final int newerId = http.register(topic + "-value", newer.toString());
        assertEquals(2, http.get("/subjects/" + topic + "-value/versions/latest").json().get("version").asInt());
        final GenericRecord newRecord = new GenericData.Record(newer);
        for (final Schema.Field field : ExecEvent.getClassSchema().getFields()) {
            newRecord.put(field.name(), old.get(field.name()));
        }
        newRecord.put("container", "c-123");
        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            raw.send(new ProducerRecord<>(topic, "k".getBytes(), wireFormat(newerId, newRecord))).get();
        }

        // the consumer only knows the generated (older) ExecEvent class
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer()) {
            final List<ConsumerRecord<String, SpecificRecord>> read = readAll(consumer, topic, 2);
            assertEquals(List.of(old, old), read.stream().map(ConsumerRecord::value).toList());
        }

        // making the new field required is refused: data written with version 2 may hold null there
        final RegistryHttp.Response refused = http.post("/subjects/" + topic + "-value/versions",
                RegistryHttp.schemaBody(withExtraField(ExecEvent.getClassSchema(), false).toString()));
        assertEquals(409, refused.status(), refused.body());
        assertTrue(refused.json().get("message").asText().contains("ExecEvent.container"), refused.body());
    }

    @Test
    void withoutAutoRegistrationProducersUseRegisteredSchemasAndAreRefusedOthers() throws Exception {
        final int id = http.register("noauto.exec-value", ExecEvent.getClassSchema().toString());
        final Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>()) {
            serializer.configure(config, false);
            final byte[] bytes = serializer.serialize("noauto.exec", SampleEvents.exec());
            assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt(), "the id the registry gave at registration");

            final SerializationException refused = assertThrows(SerializationException.class,
                    () -> serializer.serialize("noauto.unregistered", SampleEvents.exec()));
            assertTrue(refused.getMessage().contains("noauto.unregistered-value"), refused.getMessage());
            assertTrue(refused.getMessage().contains("40401"), refused.getMessage());
        }
        assertEquals(404, http.get("/subjects/noauto.unregistered-value/versions").status(), "nothing was registered");
    }

    @Test
    void badBytesRaiseWireFormatExceptionNamingTopicPartitionAndOffset() throws Exception {
        final String topic = "bad.bytes";
        kafka().createTopics(topic);
        final byte[] good;
        try (AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>()) {
            serializer.configure(serdeConfig(), false);
            good = serializer.serialize(topic, SampleEvents.exec());
        }
        final List<byte[]> bad = List.of(
                "{\"pid\":1}".getBytes(),                                      // JSON: wrong magic byte
                new byte[] {0, 0, 0},                                          // too short for the header
                ByteBuffer.allocate(8).put((byte) 0).putInt(987_654).array(),  // unknown schema id
                java.util.Arrays.copyOf(good, good.length - 6));               // truncated Avro body
        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            for (final byte[] value : bad) {
                raw.send(new ProducerRecord<>(topic, value)).get();
            }
            raw.send(new ProducerRecord<>(topic, good)).get();
        }

        final List<WireFormatException.Reason> reasons = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer()) {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            SpecificRecord readBack = null;
            for (int polls = 0; polls < 120 && readBack == null; polls++) {
                try {
                    for (final ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(250))) {
                        readBack = record.value();
                    }
                } catch (final RecordDeserializationException e) {
                    assertEquals(partition, e.topicPartition());
                    assertEquals(reasons.size(), e.offset(), "bad records are reported in offset order");
                    final WireFormatException cause = assertInstanceOf(WireFormatException.class, e.getCause());
                    assertEquals(topic, cause.topic());
                    assertTrue(WireFormatException.describe(e).contains(topic), WireFormatException.describe(e));
                    reasons.add(cause.reason());
                    consumer.seek(partition, e.offset() + 1);
                }
            }
            assertEquals(SampleEvents.exec(), readBack, "the good record after the bad ones is still read");
        }
        assertEquals(List.of(WireFormatException.Reason.WRONG_MAGIC_BYTE, WireFormatException.Reason.TOO_SHORT,
                WireFormatException.Reason.UNKNOWN_SCHEMA_ID, WireFormatException.Reason.TRUNCATED), reasons);
    }

    private Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    private KafkaProducer<String, SpecificRecord> producer() {
        final AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
        values.configure(serdeConfig(), false);
        return new KafkaProducer<>(kafka().clientConfig(), new StringSerializer(), values);
    }

    private KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(kafka().clientConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, SpecificRecord> consumer() {
        final AvroDeserializer<SpecificRecord> values = new AvroDeserializer<>();
        values.configure(serdeConfig(), false);
        final Map<String, Object> config = kafka().clientConfig();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return new KafkaConsumer<>(config, new StringDeserializer(), values);
    }

    /** Reads a topic's only partition from the start until {@code expected} records or 60 empty polls. */
    private static List<ConsumerRecord<String, SpecificRecord>> readAll(final KafkaConsumer<String, SpecificRecord> consumer,
                                                                       final String topic, final int expected) {
        final TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        final List<ConsumerRecord<String, SpecificRecord>> read = new ArrayList<>();
        for (int idle = 0; read.size() < expected && idle < 60; ) {
            final var records = consumer.poll(Duration.ofMillis(250));
            idle = records.isEmpty() ? idle + 1 : 0;
            records.forEach(read::add);
        }
        return read;
    }

    private static String topicFor(final SpecificRecord event, final String prefix) {
        return prefix + "." + event.getSchema().getName().toLowerCase();
    }

    /** The schema plus a string field "container", optional with default null or required. */
    private static Schema withExtraField(final Schema schema, final boolean optional) {
        final ObjectNode json;
        try {
            json = (ObjectNode) RegistryHttp.MAPPER.readTree(schema.toString());
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
        final ObjectNode field = ((ArrayNode) json.get("fields")).addObject();
        field.put("name", "container");
        if (optional) {
            field.putArray("type").add("null").add("string");
            field.putNull("default");
        } else {
            field.put("type", "string");
        }
        return new Schema.Parser().parse(json.toString());
    }

    /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
    private static byte[] wireFormat(final int schemaId, final GenericRecord record) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

}
