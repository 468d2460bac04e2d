package io.tether.collector.support;

import io.tether.collector.publish.EventSink;
import io.tether.schemas.event.EventHeader;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** An EventSink that keeps what it is given, for tests of capture sources without Kafka. */
public final class CapturingEvents implements EventSink {
    private final List<SpecificRecord> events = new ArrayList<>();

    @Override
    public synchronized void accept(final SpecificRecord event) {
        events.add(event);
    }

    public synchronized List<SpecificRecord> all() {
        return List.copyOf(events);
    }

    public synchronized void clear() {
        events.clear();
    }

    /** Events of one type of one process. */
    public <T extends SpecificRecord> List<T> of(final Class<T> type, final int pid) {
        return all().stream().filter(type::isInstance).map(type::cast)
                .filter(e -> ((EventHeader) e.get(0)).getPid() == pid).collect(Collectors.toList());
    }

    public List<SpecificRecord> ofPid(final int pid) {
        return all().stream().filter(e -> ((EventHeader) e.get(0)).getPid() == pid).collect(Collectors.toList());
    }

    public static List<SpecificRecord> copyOf(final List<SpecificRecord> events) {
        return new ArrayList<>(events);
    }
}
