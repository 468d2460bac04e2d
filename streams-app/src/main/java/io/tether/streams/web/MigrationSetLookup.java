package io.tether.streams.web;

import io.tether.schemas.identity.ApId;
import io.tether.schemas.model.MigrationSet;

import java.util.Optional;

/**
 * Finds the migration set an AP currently belongs to, wherever in the cluster the component is kept (the
 * interactive-query layer forwards to the owning instance). The page, the live updates and the plan read sets
 * only through this.
 */
@FunctionalInterface
public interface MigrationSetLookup {

    /**
     * @return the component containing {@code ap}, or empty when Tether has not seen that AP
     * @throws RuntimeException when the store cannot answer right now (e.g. during a rebalance); callers retry
     */
    Optional<MigrationSet> find(ApId ap);
}
