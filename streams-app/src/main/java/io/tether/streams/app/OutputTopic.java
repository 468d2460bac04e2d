package io.tether.streams.app;

/**
 * A topic the app writes that must exist before it starts; created with the brokers' default partitions and
 * replication if missing.
 *
 * @param compacted whether the topic is a changelog of a table (latest value per key is all that matters)
 */
public record OutputTopic(String name, boolean compacted) {
}
