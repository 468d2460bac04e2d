package io.tether.streams.topology.internals;

import io.tether.schemas.model.MigrationSet;
import java.util.List;

/**
 * What one flush of the coupling graph emits: new sets (or tombstones) per component id, and new AP → component
 * assignments (or tombstones). Timestamps are event time in microseconds.
 */
public record GraphChanges(List<SetChange> sets, List<IndexChange> index) {

    /** {@code set} null retires {@code componentId}. */
    public record SetChange(String componentId, MigrationSet set, long timeMicros) {
    }

    /** {@code componentId} null means the AP left the graph. */
    public record IndexChange(String ap, String componentId, long timeMicros) {
    }

    public boolean isEmpty() {
        return sets.isEmpty() && index.isEmpty();
    }
}
