package io.tether.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.serde.WireFormatException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WireFormatExceptionTest {
    private static final String TOPIC = "tether.exec";
    private final String scope = "wire-test-" + UUID.randomUUID();
    private final AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class);
    private byte[] valid;

    @BeforeEach
    void setUp() {
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope), false);
        valid = serde.serializer().serialize(TOPIC, SampleRecords.exec());
    }

    @AfterEach
    void tearDown() {
        serde.close();
        MockSchemaRegistryClient.dropScope(scope);
    }

    private WireFormatException reading(final byte[] bytes) {
        final WireFormatException e = assertThrows(WireFormatException.class,
                () -> serde.deserializer().deserialize(TOPIC, bytes));
        assertEquals(TOPIC, e.topic());
        assertTrue(e.getMessage().contains("'" + TOPIC + "'"), e.getMessage());
        assertInstanceOf(SerializationException.class, e);
        return e;
    }

    @Test
    void aJsonPayloadHasTheWrongMagicByte() {
        final WireFormatException e = reading("{\"hostId\":\"host-a\",\"pid\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Reason.WRONG_MAGIC_BYTE, e.reason());
        assertEquals(-1, e.schemaId());
        assertTrue(e.getMessage().contains("first byte is 0x7b, expected 0x00"), e.getMessage());
    }

    @Test
    void rawAvroWithoutTheHeaderHasTheWrongMagicByte() {
        final byte[] raw = Arrays.copyOfRange(valid, 5, valid.length);
        assertEquals(Reason.WRONG_MAGIC_BYTE, reading(raw).reason());
    }

    @Test
    void fewerBytesThanTheHeaderAreTooShort() {
        assertEquals(Reason.TOO_SHORT, reading(new byte[0]).reason());
        final WireFormatException e = reading(new byte[] {0, 0, 1});
        assertEquals(Reason.TOO_SHORT, e.reason());
        assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsUnknown() {
        final byte[] bytes = valid.clone();
        ByteBuffer.wrap(bytes).putInt(1, 987_654);
        final WireFormatException e = reading(bytes);
        assertEquals(Reason.UNKNOWN_SCHEMA_ID, e.reason());
        assertEquals(987_654, e.schemaId());
        assertTrue(e.getMessage().contains("schema id 987654"), e.getMessage());
    }

    @Test
    void everyProperPrefixOfARecordIsTruncated() {
        for (int length = 5; length < valid.length; length++) {
            final WireFormatException e = reading(Arrays.copyOf(valid, length));
            assertEquals(Reason.TRUNCATED, e.reason(), "prefix of " + length + " bytes: " + e.getMessage());
        }
    }

    @Test
    void aNonAvroBodyBehindAValidHeaderIsMalformed() {
        final byte[] json = "{\"hostId\":\"host-a\"}".getBytes(StandardCharsets.UTF_8);
        final byte[] bytes = new byte[5 + json.length];
        System.arraycopy(valid, 0, bytes, 0, 5);
        System.arraycopy(json, 0, bytes, 5, json.length);
        final WireFormatException e = reading(bytes);
        assertEquals(Reason.MALFORMED_AVRO, e.reason());
        assertTrue(e.getMessage().contains("not a io.tether.schemas.event.ExecEvent record"), e.getMessage());
    }

    @Test
    void aBodyClaimingAHugeStringIsTruncatedNotAllocated() {
        // the first body field is EventHeader.hostId: claim a 1 GiB string (varint 2^31, zig-zag decoded 2^30), then end
        final byte[] bytes = Arrays.copyOf(valid, 10);
        bytes[5] = (byte) 0x80;
        bytes[6] = (byte) 0x80;
        bytes[7] = (byte) 0x80;
        bytes[8] = (byte) 0x80;
        bytes[9] = (byte) 0x08;
        final WireFormatException e = reading(bytes);
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().contains("string needs 1073741824 bytes, 0 left"), e.getMessage());
    }

    @Test
    void aBodyClaimingAHugeArrayIsTruncatedNotAllocated() {
        final ExecEvent minimal = SampleRecords.exec();
        minimal.setArgv(List.of());
        minimal.setCwd(null);
        minimal.setProgram("");
        final byte[] encoded = serde.serializer().serialize(TOPIC, minimal);
        // the encoding ends with argv's block count 0, cwd's union index 0 and program's length 0:
        // make argv claim 2^28 items instead
        final byte[] bytes = Arrays.copyOf(encoded, encoded.length + 2);
        final byte[] count = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x02};
        System.arraycopy(count, 0, bytes, encoded.length - 3, count.length);
        final WireFormatException e = reading(bytes);
        assertEquals(Reason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().contains("array of 268435456 items"), e.getMessage());
    }

    @Test
    void bytesLeftAfterTheRecordAreMalformed() {
        final byte[] bytes = Arrays.copyOf(valid, valid.length + 3);
        final WireFormatException e = reading(bytes);
        assertEquals(Reason.MALFORMED_AVRO, e.reason());
        assertTrue(e.getMessage().contains("3 bytes left over"), e.getMessage());
    }

    @Test
    void aRecordOfAnotherTypeIsIncompatibleWithTheTypedReader() {
        final byte[] open;
        try (AvroSerde<OpenEvent> openSerde = new AvroSerde<>(OpenEvent.class)) {
            openSerde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope), false);
            open = openSerde.serializer().serialize("tether.open", SampleRecords.open());
        }
        final WireFormatException e = reading(open);
        assertEquals(Reason.INCOMPATIBLE_SCHEMA, e.reason());
        assertTrue(e.getMessage().contains("ExecEvent cannot read data written with io.tether.schemas.event.OpenEvent"),
                e.getMessage());
        // the verdict is cached per id, and still names the topic of each new failure
        final WireFormatException again = assertThrows(WireFormatException.class,
                () -> serde.deserializer().deserialize("elsewhere", open));
        assertEquals("elsewhere", again.topic());
    }

    @Test
    void describeNamesTopicPartitionOffsetAndReason() {
        final WireFormatException cause = reading(new byte[] {1, 2, 3, 4, 5, 6});
        final RecordDeserializationException consumerError = new RecordDeserializationException(
                RecordDeserializationException.DeserializationExceptionOrigin.VALUE, new TopicPartition(TOPIC, 3), 1742L,
                0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, null, ByteBuffer.wrap(new byte[] {1}),
                new org.apache.kafka.common.header.internals.RecordHeaders(), "Error deserializing VALUE", cause);
        final String described = WireFormatException.describe(consumerError);
        assertTrue(described.startsWith("tether.exec/3@1742: [WRONG_MAGIC_BYTE] "), described);
        assertSame(cause, WireFormatException.of(consumerError));
        assertEquals("tether.exec/0@9: " + new SchemaRegistryException(-1, -1, "down"),
                WireFormatException.describe(TOPIC, 0, 9, new SchemaRegistryException(-1, -1, "down")));
    }

    @Test
    void anUnreachableRegistryIsARetriableRegistryErrorNotBadBytes() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (AvroDeserializer<ExecEvent> deserializer = new AvroDeserializer<>(ExecEvent.class)) {
            deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                    "http://127.0.0.1:" + closedPort + ",http://localhost:" + closedPort), false);
            final SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                    () -> deserializer.deserialize(TOPIC, valid));
            assertTrue(e.isRetriable());
            assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort) && e.getMessage().contains("localhost:" + closedPort),
                    "both URLs were tried: " + e.getMessage());
        }
    }
}
