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
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlierSchema),
                        "the new schema cannot read data written with version " + earlier.version(), problems);
            }
            if (level.oldReadsNew()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(earlierSchema, candidate),
                        "version " + earlier.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    private static void describe(final SchemaPairCompatibility result, final String what, final List<String> problems) {
        for (final Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add(what + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + " (" + incompatibility.getMessage() + ")");
        }
    }
}
