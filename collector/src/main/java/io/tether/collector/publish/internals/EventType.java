package io.tether.collector.publish.internals;

import io.tether.schemas.Topics;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The event record types a collector publishes, each with its default topic and the tag byte the spool stores
 * (tags are persisted: never renumber them).
 */
public enum EventType {
    EXEC(1, ExecEvent.class, Topics.EXEC),
    FORK(2, ForkEvent.class, Topics.FORK),
    EXIT(3, ExitEvent.class, Topics.EXIT),
    OPEN(4, OpenEvent.class, Topics.OPEN),
    CONNECT(5, ConnectEvent.class, Topics.CONNECT),
    ACCEPT(6, AcceptEvent.class, Topics.ACCEPT);

    private static final EventType[] BY_TAG = new EventType[8];

    static {
        for (final EventType type : values()) {
            BY_TAG[type.tag] = type;
        }
    }

    public final byte tag;
    public final Class<? extends SpecificRecord> recordClass;
    public final String defaultTopic;
    public final Schema schema;
    /** Position of the {@code header} field (every event record has one). */
    final int headerPos;

    EventType(final int tag, final Class<? extends SpecificRecord> recordClass, final String defaultTopic) {
        this.tag = (byte) tag;
        this.recordClass = recordClass;
        this.defaultTopic = defaultTopic;
        this.schema = SpecificData.get().getSchema(recordClass);
        this.headerPos = schema.getField("header").pos();
    }

    /** The type of {@code record}, or an IllegalArgumentException naming the unexpected class. */
    public static EventType of(final SpecificRecord record) {
        if (record instanceof OpenEvent) {
            return OPEN;
        }
        if (record instanceof ExecEvent) {
            return EXEC;
        }
        if (record instanceof ConnectEvent) {
            return CONNECT;
        }
        if (record instanceof AcceptEvent) {
            return ACCEPT;
        }
        if (record instanceof ForkEvent) {
            return FORK;
        }
        if (record instanceof ExitEvent) {
            return EXIT;
        }
        throw new IllegalArgumentException("not a collector event: "
                + (record == null ? "null" : record.getClass().getName()));
    }

    public static EventType ofTag(final byte tag) {
        final EventType type = tag > 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
        if (type == null) {
            throw new IllegalArgumentException("unknown spool record type " + tag);
        }
        return type;
    }

    public EventHeader header(final SpecificRecord record) {
        return (EventHeader) record.get(headerPos);
    }
}
