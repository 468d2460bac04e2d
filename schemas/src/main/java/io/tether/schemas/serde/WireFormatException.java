package io.tether.schemas.serde;

import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The bytes of a record value are not a readable Confluent-wire-format Avro record: the one exception type
 * {@link AvroDeserializer} raises for bad input, whatever is wrong with it (see {@link Reason}).
 *
 * <p>It names the topic; the partition and offset are not known to a deserializer. A
 * {@code KafkaConsumer} wraps it in a {@link RecordDeserializationException} (its {@link
 * RecordDeserializationException#getCause() cause}), which carries the {@link
 * RecordDeserializationException#topicPartition() partition} and {@link RecordDeserializationException#offset()
 * offset}; the consumer must {@code seek} past that offset to go on. Kafka Streams hands it to the configured
 * {@code DeserializationExceptionHandler} together with the record's context. {@link #describe(RecordDeserializationException)}
 * formats such a failure as {@code topic/partition@offset: reason} for logs and dead-letter records.
 *
 * <p>A bad record is poison: retrying it cannot succeed, so it belongs in the dead-letter topic. Trouble
 * reaching the schema registry is NOT reported with this type but with {@link SchemaRegistryException}, because
 * the same record will be readable once the registry is back; a handler that dead-letters every
 * {@link SerializationException} would lose good records during a registry outage.
 */
public final class WireFormatException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the bytes; stable names, suitable for a dead-letter header. */
    public enum Reason {
        /** Fewer than the 5 header bytes (magic byte and schema id). */
        TOO_SHORT,
        /** The first byte is not the Confluent magic byte 0: not this wire format (e.g. JSON or raw Avro). */
        WRONG_MAGIC_BYTE,
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema is known but no class on the classpath (or not the expected class) can read it. */
        INCOMPATIBLE_SCHEMA,
        /** The Avro body ends before the writer schema says it should. */
        TRUNCATED,
        /** The Avro body cannot be decoded with the writer schema, or bytes are left over after the record. */
        MALFORMED_AVRO
    }

    private final String topic;
    private final Reason reason;
    private final int schemaId;

    public WireFormatException(final String topic, final Reason reason, final int schemaId, final String detail,
                               final Throwable cause) {
        super(message(topic, reason, schemaId, detail), cause);
        this.topic = topic;
        this.reason = reason;
        this.schemaId = schemaId;
    }

    public WireFormatException(final String topic, final Reason reason, final int schemaId, final String detail) {
        this(topic, reason, schemaId, detail, null);
    }

    /** The topic the record was read from (may be null when the caller did not pass one). */
    public String topic() {
        return topic;
    }

    public Reason reason() {
        return reason;
    }

    /** The schema id from the record header, or -1 when the header itself is bad. */
    public int schemaId() {
        return schemaId;
    }

    /**
     * {@code topic/partition@offset: message} of a consumer's deserialization failure, with the
     * {@link WireFormatException} (if it is the cause) giving the message, e.g.
     * {@code tether.exec/3@1742: [WRONG_MAGIC_BYTE] ...}.
     */
    public static String describe(final RecordDeserializationException e) {
        return describe(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(),
                e.getCause() != null ? e.getCause() : e);
    }

    /**
     * {@code topic/partition@offset: what} for a failure seen elsewhere, e.g. in a Kafka Streams
     * {@code DeserializationExceptionHandler} (topic, partition and offset from its {@code ErrorHandlerContext}).
     * A {@link WireFormatException} is described by its message, anything else by its class and message.
     */
    public static String describe(final String topic, final int partition, final long offset, final Throwable failure) {
        final String what = failure instanceof WireFormatException ? failure.getMessage() : String.valueOf(failure);
        return topic + "/" + partition + "@" + offset + ": " + what;
    }

    /** The {@link WireFormatException} behind a consumer's failure, or null if something else failed. */
    public static WireFormatException of(final RecordDeserializationException e) {
        return e.getCause() instanceof WireFormatException ? (WireFormatException) e.getCause() : null;
    }

    private static String message(final String topic, final Reason reason, final int schemaId, final String detail) {
        final StringBuilder sb = new StringBuilder(96)
                .append('[').append(reason).append("] cannot deserialize record value of topic '").append(topic).append('\'');
        if (schemaId >= 0) {
            sb.append(" (schema id ").append(schemaId).append(')');
        }
        return sb.append(": ").append(detail).toString();
    }
}
