package io.tether.collector.probe;

import io.tether.collector.publish.EventSink;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.List;

/** Keeps every event it is given, in order. */
final class CapturingSink implements EventSink {
    private final List<SpecificRecord> events = new ArrayList<>();

    @Override
    public synchronized void accept(final SpecificRecord event) {
        events.add(event);
    }

    synchronized List<SpecificRecord> all() {
        return List.copyOf(events);
    }

    synchronized <T extends SpecificRecord> List<T> ofType(final Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
