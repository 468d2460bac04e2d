package io.tether.registry.internals;

import java.util.ArrayList;
import java.util.List;

import io.tether.registry.CompatibilityLevel;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/** Applies a compatibility level with Avro's own reader/writer rules ({@link SchemaCompatibility}). */
public final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * What breaks if {@code candidate} becomes the next version after {@code existing} (oldest first), one
     * readable line per problem; empty when the change is allowed.
     */
    public static List<String> problems(final CompatibilityLevel level, final Schema candidate,
                                        final List<StoredSchema> existing) {
        final List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return problems;
        }
        final List<StoredSchema> checked = level.transitive() ? existing : existing.subList(existing.size() - 1, existing.size());
        for (final StoredSchema earlier : checked) {
            final Schema earlierSchema = new Schema.Parser().parse(earlier.schema());
            if (level.newReadsOld()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlierSchema), candidate,
                        "the new schema cannot read data written with version " + earlier.version(), problems);
            }
            if (level.oldReadsNew()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(earlierSchema, candidate), earlierSchema,
                        "version " + earlier.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    private static void describe(final SchemaPairCompatibility result, final Schema reader, final String what,
                                 final List<String> problems) {
        for (final Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add(what + ": " + incompatibility.getType() + " at " + fieldPath(reader, incompatibility.getLocation())
                    + " " + incompatibility.getLocation() + " (" + incompatibility.getMessage() + ")");
        }
    }

    /**
     * Turns Avro's JSON-pointer location into the reader's field names (e.g. {@code /fields/5/type/0} into
     * {@code ExecEvent.container}), which is what a person fixing the schema looks for.
     */
    static String fieldPath(final Schema reader, final String location) {
        final StringBuilder path = new StringBuilder(reader.getName());
        Schema current = reader;
        final String[] parts = location.split("/");
        for (int i = 1; i < parts.length; i++) {
            if ("fields".equals(parts[i]) && i + 1 < parts.length && current.getType() == Schema.Type.RECORD) {
                final int index = index(parts[++i]);
                if (index < 0 || index >= current.getFields().size()) {
                    break;
                }
                final Schema.Field field = current.getFields().get(index);
                path.append('.').append(field.name());
                current = field.schema();
            } else if ("items".equals(parts[i]) && current.getType() == Schema.Type.ARRAY) {
                path.append("[]");
                current = current.getElementType();
            } else if ("values".equals(parts[i]) && current.getType() == Schema.Type.MAP) {
                path.append("{}");
                current = current.getValueType();
            } else if (index(parts[i]) >= 0 && current.getType() == Schema.Type.UNION
                    && index(parts[i]) < current.getTypes().size()) {
                current = current.getTypes().get(index(parts[i]));
            } else if (!"type".equals(parts[i])) {
                break;
            }
        }
        return path.toString();
    }

    private static int index(final String part) {
        try {
            return Integer.parseInt(part);
        } catch (final NumberFormatException e) {
            return -1;
        }
    }
}
