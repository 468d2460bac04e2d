package io.tether.streams.app;

/**
 * A topic the app reads or writes that Kafka Streams does not create itself (its own inputs, its output tables, the
 * dead-letter queue). Created at start with the brokers' default partitions and replication if missing, so that an
 * instance started before any collector does not fail on a missing source topic.
 *
 * @param compacted whether the topic is a table's changelog (latest value per key is all that matters)
 */
public record RequiredTopic(String name, boolean compacted) {
}
