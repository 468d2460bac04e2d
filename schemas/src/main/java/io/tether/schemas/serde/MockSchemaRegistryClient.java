package io.tether.schemas.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * An in-memory schema registry with the semantics of the real one: global ids shared by equal schemas across
 * subjects, versions per subject, and BACKWARD compatibility checking on registration (the new schema must be
 * able to read data written with the latest one), refused with error code 409 like the REST API does.
 *
 * <p>Serdes configured with {@code schema.registry.url=mock://<scope>} share {@link #forScope(String) one
 * instance per scope} inside the JVM, like Confluent's mock registry, so a serializer and a deserializer created
 * separately (e.g. by a {@code TopologyTestDriver}) see the same schemas. Tests that want isolation use a
 * unique scope or {@link #dropScope(String)}.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {
    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    /** Canonical text (Schema#toString) → id; the registry's notion of "the same schema". */
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<RegisteredSchema>> versionsBySubject = new HashMap<>();
    private int nextId = 1;

    /** A private registry, not shared with any scope. */
    public MockSchemaRegistryClient() {
    }

    /** The registry shared by every {@code mock://<scope>} serde in this JVM. */
    public static MockSchemaRegistryClient forScope(final String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient());
    }

    /** Forgets a scope's schemas; the next {@link #forScope} of that name starts empty. */
    public static void dropScope(final String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final String text = schema.toString();
        final List<RegisteredSchema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        for (final RegisteredSchema v : versions) {
            if (v.schema().toString().equals(text)) {
                return v.id();
            }
        }
        if (!versions.isEmpty()) {
            final Schema latest = versions.get(versions.size() - 1).schema();
            final SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest);
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                        "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                                + "\" (BACKWARD): " + result.getResult().getIncompatibilities());
            }
        }
        final int id = idsByText.computeIfAbsent(text, t -> nextId++);
        schemasById.putIfAbsent(id, schema);
        versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schema));
        return id;
    }

    @Override
    public synchronized int lookupId(final String subject, final Schema schema) {
        final List<RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw subjectNotFound(subject);
        }
        final String text = schema.toString();
        for (final RegisteredSchema v : versions) {
            if (v.schema().toString().equals(text)) {
                return v.id();
            }
        }
        throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                "Schema " + schema.getFullName() + " not found under subject '" + subject + "'");
    }

    @Override
    public synchronized Schema getById(final int id) {
        final Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(final String subject) {
        final List<RegisteredSchema> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions.get(versions.size() - 1);
    }

    /** All versions of a subject, oldest first (empty when unknown). */
    public synchronized List<RegisteredSchema> versions(final String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    private static SchemaRegistryException subjectNotFound(final String subject) {
        return new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
}
