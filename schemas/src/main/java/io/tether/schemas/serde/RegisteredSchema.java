package io.tether.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/** A schema as registered under a subject: the subject, its version there, its global id, and the schema. */
public final class RegisteredSchema {
    private final String subject;
    private final int version;
    private final int id;
    private final Schema schema;

    public RegisteredSchema(final String subject, final int version, final int id, final Schema schema) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.version = version;
        this.id = id;
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    public String subject() {
        return subject;
    }

    public int version() {
        return version;
    }

    public int id() {
        return id;
    }

    public Schema schema() {
        return schema;
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RegisteredSchema)) {
            return false;
        }
        final RegisteredSchema that = (RegisteredSchema) o;
        return version == that.version && id == that.id && subject.equals(that.subject) && schema.equals(that.schema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, version, id);
    }

    @Override
    public String toString() {
        return subject + " v" + version + " (id " + id + ", " + schema.getFullName() + ")";
    }
}
