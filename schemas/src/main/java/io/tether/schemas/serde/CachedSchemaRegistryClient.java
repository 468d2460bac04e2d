package io.tether.schemas.serde;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Remembers what a registry said, so that the serdes' hot path makes no network call: ids ↔ schemas (immutable
 * in a registry), and per subject the id of every schema registered or looked up there, so a schema is registered
 * once per subject. {@link #latest} is not cached, since it changes when a new version is registered.
 *
 * <p>Concurrent first calls for the same key may both reach the registry; that is harmless (registration is
 * idempotent) and keeps locks off network calls.
 */
public final class CachedSchemaRegistryClient implements SchemaRegistryClient {
    private final SchemaRegistryClient delegate;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public CachedSchemaRegistryClient(final SchemaRegistryClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final Map<Schema, Integer> ids = idsOf(subject);
        final Integer known = ids.get(schema);
        if (known != null) {
            return known;
        }
        final int id = delegate.register(subject, schema);
        remember(ids, id, schema);
        return id;
    }

    @Override
    public int lookupId(final String subject, final Schema schema) {
        final Map<Schema, Integer> ids = idsOf(subject);
        final Integer known = ids.get(schema);
        if (known != null) {
            return known;
        }
        final int id = delegate.lookupId(subject, schema);
        remember(ids, id, schema);
        return id;
    }

    @Override
    public Schema getById(final int id) {
        final Schema known = schemasById.get(id);
        if (known != null) {
            return known;
        }
        final Schema schema = delegate.getById(id);
        final Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema latest(final String subject) {
        final RegisteredSchema latest = delegate.latest(subject);
        remember(idsOf(subject), latest.id(), latest.schema());
        return latest;
    }

    @Override
    public void close() {
        delegate.close();
    }

    private Map<Schema, Integer> idsOf(final String subject) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    }

    private void remember(final Map<Schema, Integer> ids, final int id, final Schema schema) {
        ids.putIfAbsent(schema, id);
        schemasById.putIfAbsent(id, schema);
    }
}
