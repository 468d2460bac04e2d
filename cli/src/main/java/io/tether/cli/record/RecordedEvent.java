package io.tether.cli.record;

import org.apache.avro.specific.SpecificRecord;

/**
 * One input event as it was in Kafka: where it was (topic, partition, offset), its record timestamp and key, and the
 * decoded event. {@link EventRecording} stores these.
 */
public record RecordedEvent(String topic, int partition, long offset, long timestampMs, String key, SpecificRecord event) {
}
