package io.tether.streams.web;

import io.tether.schemas.identity.ApId;
import io.tether.streams.query.MigrationSetQueries;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.NotFoundException;

import java.util.Optional;

/**
 * Finds the current migration set of an AP, as the API shows it, wherever in the cluster it is kept. The live
 * updates and the plan read sets only through this, so they agree with {@code GET /api/v1/migration-set}.
 */
@FunctionalInterface
public interface MigrationSetLookup {

    /**
     * @return the AP's set now, or empty when Tether has not seen that AP
     * @throws RuntimeException when no copy can be read right now (e.g. during a rebalance); callers retry
     */
    Optional<MigrationSetView> find(ApId ap);

    /** The lookup over the query layer: an unknown AP is empty, every other failure propagates. */
    static MigrationSetLookup of(final MigrationSetQueries queries) {
        return ap -> {
            try {
                return Optional.of(queries.migrationSet(ap, null));
            } catch (final NotFoundException e) {
                return Optional.empty();
            }
        };
    }
}
