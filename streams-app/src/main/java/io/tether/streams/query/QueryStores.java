package io.tether.streams.query;

import io.tether.streams.topology.StoreNames;

import java.util.Objects;

/**
 * The names of the queryable stores the topology materialises (see {@code io.tether.streams.topology.StoreNames}):
 * current and versioned (history) views of the AP → component index, and the versioned component → migration set
 * table, which answers both "now" (its latest value) and "as of".
 */
public record QueryStores(String apIndex, String apIndexHistory, String migrationSets) {

    /** The stores of {@link io.tether.streams.topology.MigrationSetTopology}. */
    public static final QueryStores TOPOLOGY = new QueryStores(StoreNames.AP_INDEX, StoreNames.AP_INDEX_HISTORY,
        StoreNames.MIGRATION_SETS_HISTORY);

    public QueryStores {
        Objects.requireNonNull(apIndex, "apIndex");
        Objects.requireNonNull(apIndexHistory, "apIndexHistory");
        Objects.requireNonNull(migrationSets, "migrationSets");
    }
}
