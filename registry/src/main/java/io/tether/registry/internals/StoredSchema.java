package io.tether.registry.internals;

/** One version of a subject: the schema text is Avro's normalized JSON, the id is global across subjects. */
public record StoredSchema(String subject, int version, int id, String schema) {
}
