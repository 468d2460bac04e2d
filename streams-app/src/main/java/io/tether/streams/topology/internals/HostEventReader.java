package io.tether.streams.topology.internals;

import io.tether.schemas.topic.EventType;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The six input topics read by one source node turn into {@link HostEvent}s here: the event type comes from the
 * topic, the source partition from the record. One node instead of a chain per topic (filter, wrap, merge) because
 * every captured event passes through it. A tombstone, a failed open or a failed connect goes no further (they
 * couple nothing, see {@link HostProcessesProcessor#relevant}). A well-formed event of another type than its topic
 * carries (an exec event on the open topic) is refused with {@link WrongEventTypeException}, which the processing
 * exception handler sends to the DLQ with the reason.
 */
public final class HostEventReader implements FixedKeyProcessor<String, SpecificRecord, HostEvent> {
    private final Map<String, EventType> typeByTopic;
    private FixedKeyProcessorContext<String, HostEvent> context;

    /** @param topics the input topic of each event type */
    public HostEventReader(final Map<EventType, String> topics) {
        final Map<String, EventType> byTopic = new HashMap<>();
        topics.forEach((type, topic) -> byTopic.put(topic, type));
        this.typeByTopic = Map.copyOf(byTopic);
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, HostEvent> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<String, SpecificRecord> record) {
        final SpecificRecord event = record.value();
        if (event == null) {
            return;
        }
        final RecordMetadata source = context.recordMetadata().orElseThrow(
            () -> new IllegalStateException("an input event without its source topic"));
        final EventType type = typeByTopic.get(source.topic());
        if (type == null) {
            throw new IllegalStateException("record from " + source.topic() + ", which is not an input topic");
        }
        if (!type.recordClass().isInstance(event)) {
            throw new WrongEventTypeException(source.topic() + " carries " + type.recordClass().getSimpleName()
                + " records, this one is a " + event.getClass().getName());
        }
        final HostEvent hostEvent = new HostEvent(type, event, source.partition());
        if (HostProcessesProcessor.relevant(hostEvent)) {
            context.forward(record.withValue(hostEvent));
        }
    }

    /** A well-formed event on the topic of another event type. */
    public static final class WrongEventTypeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public WrongEventTypeException(final String message) {
            super(message);
        }
    }
}
