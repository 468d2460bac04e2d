package io.tether.registry.internals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import io.tether.registry.CompatibilityLevel;

/**
 * The registry's state, rebuilt from the schemas topic: every instance applies the same records in the same
 * order, so all instances hold the same state once they have read the same offset. Only the topic reader
 * thread mutates it; request threads read it.
 */
public final class SchemaStore {

    private final Map<String, NavigableMap<Integer, StoredSchema>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** Applies a schema version record; a deleted one removes the version (topics written by Confluent). */
    public synchronized void applySchema(final StoredSchema schema, final boolean deleted) {
        if (deleted) {
            final NavigableMap<Integer, StoredSchema> versions = subjects.get(schema.subject());
            if (versions != null) {
                versions.remove(schema.version());
                if (versions.isEmpty()) {
                    subjects.remove(schema.subject());
                }
            }
            return;
        }
        subjects.computeIfAbsent(schema.subject(), s -> new TreeMap<>()).put(schema.version(), schema);
        schemasById.put(schema.id(), schema.schema());
        idsBySchema.putIfAbsent(schema.schema(), schema.id());
        maxId = Math.max(maxId, schema.id());
    }

    /** Sets (or with an empty level, clears) the global level when subject is null, else the subject's level. */
    public synchronized void applyConfig(final String subject, final Optional<CompatibilityLevel> level) {
        if (subject == null) {
            globalLevel = level.orElse(null);
        } else if (level.isPresent()) {
            subjectLevels.put(subject, level.get());
        } else {
            subjectLevels.remove(subject);
        }
    }

    public synchronized List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    /** Versions of a subject, oldest first; empty when the subject is unknown. */
    public synchronized List<StoredSchema> versions(final String subject) {
        final NavigableMap<Integer, StoredSchema> versions = subjects.get(subject);
        return versions == null ? List.of() : new ArrayList<>(versions.values());
    }

    public synchronized Optional<StoredSchema> version(final String subject, final int version) {
        final NavigableMap<Integer, StoredSchema> versions = subjects.get(subject);
        return Optional.ofNullable(versions == null ? null : versions.get(version));
    }

    public synchronized Optional<StoredSchema> latest(final String subject) {
        final NavigableMap<Integer, StoredSchema> versions = subjects.get(subject);
        return Optional.ofNullable(versions == null || versions.isEmpty() ? null : versions.lastEntry().getValue());
    }

    /** The version of the subject holding exactly this (normalized) schema. */
    public synchronized Optional<StoredSchema> find(final String subject, final String schema) {
        return versions(subject).stream().filter(v -> v.schema().equals(schema)).findFirst();
    }

    public synchronized Optional<String> schemaById(final int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The id this schema already has under any subject. */
    public synchronized Optional<Integer> idOf(final String schema) {
        return Optional.ofNullable(idsBySchema.get(schema));
    }

    public synchronized int nextId() {
        return maxId + 1;
    }

    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel;
    }

    public synchronized Optional<CompatibilityLevel> subjectLevel(final String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level that applies to a subject: its own, else the global one. */
    public synchronized CompatibilityLevel effectiveLevel(final String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }
}
