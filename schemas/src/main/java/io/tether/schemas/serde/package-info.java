/**
 * Avro serdes in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) and the
 * schema registry clients they use, so that Confluent Schema Registry, Apicurio (ccompat), Redpanda, Karapace or
 * Tether's own registry can hold the schemas.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * // typed, e.g. in a topology
 * AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class);
 * serde.configure(Map.of("schema.registry.url", "http://localhost:8081"), false);
 *
 * // from producer / consumer properties
 * props.put("value.serializer", AvroSerializer.class.getName());
 * props.put("value.deserializer", AvroDeserializer.class.getName()); // picks the generated class by schema name
 * props.put("schema.registry.url", "http://r1:8081,http://r2:8081");  // failover in order
 *
 * // tests: an in-memory registry shared by every serde of the scope in this JVM
 * props.put("schema.registry.url", "mock://my-test");
 * }</pre>
 *
 * Configs ({@link io.tether.schemas.serde.AvroSerdeConfig}): {@code schema.registry.url},
 * {@code auto.register.schemas} (default true), {@code use.latest.version}, {@code http.connect.timeout.ms},
 * {@code http.read.timeout.ms}, {@code basic.auth.user.info}. Subjects are {@code <topic>-value} /
 * {@code <topic>-key}. Keys of Tether topics are plain strings ({@code Serdes.String()}), not Avro.
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li>{@link io.tether.schemas.serde.WireFormatException} (a {@code SerializationException}): the record's
 *       bytes are bad (wrong magic byte, too short, unknown schema id, truncated, malformed Avro, or a schema no
 *       local class can read). Poison: dead-letter it and go on. Consumers see it as the cause of a
 *       {@code RecordDeserializationException} carrying partition and offset.</li>
 *   <li>{@link io.tether.schemas.serde.SchemaRegistryException} (a {@code KafkaException}, not a
 *       {@code SerializationException}): the registry refused a call (error code 409 incompatible schema,
 *       40401/40403 not found …) or could not be reached ({@link
 *       io.tether.schemas.serde.SchemaRegistryException#isRetriable() retriable}). The record may be fine: do not
 *       dead-letter on a retriable one, fail or retry instead.</li>
 * </ul>
 */
package io.tether.schemas.serde;
