package io.tether.collector.publish;

import org.apache.avro.Schema;

/**
 * Where the publisher gets the schema id it writes into each record's Confluent framing: normally the schema
 * registry's register call for subject {@code <topic>-value}. It is asked once per event type and may fail while
 * the registry is unreachable; the publisher then keeps spooling and asks again later.
 */
@FunctionalInterface
public interface SchemaIds {
    int idFor(String topic, Schema schema);
}
