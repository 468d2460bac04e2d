package io.tether.schemas.topic;

import io.tether.schemas.Topics;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.identity.ProcessKey;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The captured event types, each with its record class, default topic and header accessor: the one place that
 * knows "ExecEvent goes to tether.exec" and how to get an event's {@link EventHeader}, its key and its
 * timestamp, for collectors and the streams app alike.
 */
public enum EventType {
    EXEC(ExecEvent.class, Topics.EXEC, r -> ((ExecEvent) r).getHeader()),
    FORK(ForkEvent.class, Topics.FORK, r -> ((ForkEvent) r).getHeader()),
    EXIT(ExitEvent.class, Topics.EXIT, r -> ((ExitEvent) r).getHeader()),
    OPEN(OpenEvent.class, Topics.OPEN, r -> ((OpenEvent) r).getHeader()),
    CONNECT(ConnectEvent.class, Topics.CONNECT, r -> ((ConnectEvent) r).getHeader()),
    ACCEPT(AcceptEvent.class, Topics.ACCEPT, r -> ((AcceptEvent) r).getHeader());

    private static final Map<Class<?>, EventType> BY_CLASS = Map.of(
            ExecEvent.class, EXEC, ForkEvent.class, FORK, ExitEvent.class, EXIT,
            OpenEvent.class, OPEN, ConnectEvent.class, CONNECT, AcceptEvent.class, ACCEPT);

    private final Class<? extends SpecificRecord> recordClass;
    private final String defaultTopic;
    private final Function<SpecificRecord, EventHeader> header;

    EventType(final Class<? extends SpecificRecord> recordClass, final String defaultTopic,
              final Function<SpecificRecord, EventHeader> header) {
        this.recordClass = recordClass;
        this.defaultTopic = defaultTopic;
        this.header = header;
    }

    public Class<? extends SpecificRecord> recordClass() {
        return recordClass;
    }

    /** The topic name from {@link Topics}; {@link TetherTopics} may map it to another name. */
    public String defaultTopic() {
        return defaultTopic;
    }

    /** The type of an event class; IllegalArgumentException for classes that are not events. */
    public static EventType of(final Class<?> recordClass) {
        final EventType type = BY_CLASS.get(recordClass);
        if (type == null) {
            throw new IllegalArgumentException(recordClass.getName() + " is not a Tether event type; expected one of "
                    + BY_CLASS.keySet().stream().map(Class::getSimpleName).sorted().toList());
        }
        return type;
    }

    public static EventType of(final SpecificRecord event) {
        return of(event.getClass());
    }

    /** The header of an event of this type. */
    public EventHeader header(final SpecificRecord event) {
        return header.apply(event);
    }

    /** The header of any event. */
    public static EventHeader headerOf(final SpecificRecord event) {
        return of(event).header(event);
    }

    /** The record key of any event: {@link ProcessKey} {@code hostId|pid} of its header. */
    public static String keyOf(final SpecificRecord event) {
        final EventHeader h = headerOf(event);
        return ProcessKey.of(h.getHostId(), h.getPid());
    }

    /** The record timestamp of any event: its header's {@code timeMicros} in milliseconds. */
    public static long timestampMsOf(final SpecificRecord event) {
        return headerOf(event).getTimeMicros() / 1000L;
    }
}
