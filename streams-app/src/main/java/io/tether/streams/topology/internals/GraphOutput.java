package io.tether.streams.topology.internals;

import io.tether.schemas.model.MigrationSet;

/**
 * What the coupling-graph processor forwards: either a migration set (or its tombstone) keyed by component id, or
 * an AP-index entry (or its tombstone) keyed by AP. The topology splits the two into their topics and tables.
 */
public record GraphOutput(boolean isSet, MigrationSet set, String componentId) {

    public static GraphOutput set(final MigrationSet set) {
        return new GraphOutput(true, set, null);
    }

    public static GraphOutput index(final String componentId) {
        return new GraphOutput(false, null, componentId);
    }
}
