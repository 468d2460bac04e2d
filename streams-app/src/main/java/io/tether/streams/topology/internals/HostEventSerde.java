package io.tether.streams.topology.internals;

import io.tether.schemas.serde.AvroSerde;
import io.tether.schemas.topic.EventType;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of a {@link HostEvent} in the host task's store of events waiting for their exec
 * ({@code attribution-pending}): a format version, the {@link EventType}, the source partition, then the event in
 * the Confluent wire format under its input topic's subject (also what the DLQ gets, see {@link #eventBytes}). The event keeps the schema it came with (so a
 * rolling upgrade reads what the previous release wrote), and no new subject is registered.
 */
public final class HostEventSerde implements Serde<HostEvent> {
    private static final byte VERSION = 1;
    private static final int HEADER = 6;

    private final Map<EventType, String> topics;
    private final Map<EventType, AvroSerde<SpecificRecord>> serdes = new EnumMap<>(EventType.class);

    /**
     * @param topics      the input topic of each event type (its subject names the schemas)
     * @param serdeConfig registry settings, as for the input topics' serdes
     */
    @SuppressWarnings("unchecked")
    public HostEventSerde(final Map<EventType, String> topics, final Map<String, ?> serdeConfig) {
        this.topics = new EnumMap<>(topics);
        for (final EventType type : EventType.values()) {
            final AvroSerde<SpecificRecord> serde = new AvroSerde<>((Class<SpecificRecord>) type.recordClass());
            serde.configure(serdeConfig, false);
            serdes.put(type, serde);
        }
    }

    /** The event alone, exactly as its input topic carries it (what the DLQ gets). */
    public byte[] eventBytes(final HostEvent e) {
        return serdes.get(e.type()).serializer().serialize(topics.get(e.type()), e.event());
    }

    public byte[] encode(final HostEvent e) {
        if (e == null) {
            return null;
        }
        final byte[] event = eventBytes(e);
        return ByteBuffer.allocate(HEADER + event.length).put(VERSION).put((byte) e.type().ordinal())
            .putInt(e.sourcePartition()).put(event).array();
    }

    public HostEvent decode(final byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER || data[0] != VERSION) {
            throw new SerializationException("unknown host event format (version byte "
                + (data.length == 0 ? "missing" : data[0]) + ")");
        }
        final EventType[] types = EventType.values();
        if (data[1] < 0 || data[1] >= types.length) {
            throw new SerializationException("unknown host event type " + data[1]);
        }
        final EventType type = types[data[1]];
        final int sourcePartition = ByteBuffer.wrap(data, 2, 4).getInt();
        final byte[] event = new byte[data.length - HEADER];
        System.arraycopy(data, HEADER, event, 0, event.length);
        return new HostEvent(type, serdes.get(type).deserializer().deserialize(topics.get(type), event),
            sourcePartition);
    }

    @Override
    public Serializer<HostEvent> serializer() {
        return (topic, value) -> encode(value);
    }

    @Override
    public Deserializer<HostEvent> deserializer() {
        return (topic, data) -> decode(data);
    }

    @Override
    public void close() {
        serdes.values().forEach(AvroSerde::close);
    }
}
