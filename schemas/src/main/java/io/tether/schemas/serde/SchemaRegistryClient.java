package io.tether.schemas.serde;

import java.io.Closeable;
import org.apache.avro.Schema;

/**
 * The calls a Confluent serializer makes to a schema registry. Implementations: {@link RestSchemaRegistryClient}
 * (the Confluent REST API, usually wrapped by {@link CachedSchemaRegistryClient}) and {@link MockSchemaRegistryClient}
 * (in-memory). {@link SchemaRegistryClients#create} picks one from a {@code schema.registry.url}.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry refuses the call or cannot be reached.
 */
public interface SchemaRegistryClient extends Closeable {

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and returns its
     * global id; registering an already registered schema returns the existing id.
     */
    int register(String subject, Schema schema);

    /**
     * The id of {@code schema} if it is registered under {@code subject} ({@code POST /subjects/{subject}});
     * a {@link SchemaRegistryException} that {@link SchemaRegistryException#isNotFound() is not-found} otherwise.
     */
    int lookupId(String subject, Schema schema);

    /** The schema with the given global id ({@code GET /schemas/ids/{id}}). */
    Schema getById(int id);

    /** The latest version registered under {@code subject} ({@code GET /subjects/{subject}/versions/latest}). */
    RegisteredSchema latest(String subject);

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}
