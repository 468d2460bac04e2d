package io.tether.streams.query;

import io.tether.schemas.model.MigrationSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.VersionedRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads this instance's copies of the query stores with interactive queries v2, one partition at a time, from an
 * active task or a standby. Never forwards: that is what makes forwarding between instances loop-free.
 */
public final class LocalStores {

    private final Supplier<KafkaStreams> streams;
    private final QueryStores stores;

    /** @param streams the running instance, or null while it is being created */
    public LocalStores(final Supplier<KafkaStreams> streams, final QueryStores stores) {
        this.streams = streams;
        this.stores = stores;
    }

    public QueryStores stores() {
        return stores;
    }

    /** The component of {@code ap} now, or as of {@code asOf} (null for now), from partition {@code partition}. */
    public Lookup<String> componentOf(final String ap, final int partition, final Instant asOf) {
        return asOf == null
            ? read(stores.apIndex(), KeyQuery.<String, String>withKey(ap), partition)
            : unversion(read(stores.apIndexHistory(), VersionedKeyQuery.<String, String>withKey(ap).asOf(asOf), partition));
    }

    /** The migration set of {@code componentId} now, or as of {@code asOf} (null for now). */
    public Lookup<MigrationSet> migrationSet(final String componentId, final int partition, final Instant asOf) {
        final VersionedKeyQuery<String, MigrationSet> latest = VersionedKeyQuery.withKey(componentId);
        return unversion(read(stores.migrationSets(), asOf == null ? latest : latest.asOf(asOf), partition));
    }

    /**
     * Every AP of the partitions this instance is active for. Standby copies are left out so that instances
     * listing their own partitions never list one twice or list a stale copy.
     *
     * @throws UnavailableException when the store cannot be read here now
     */
    public List<ApEntry> activeAps() {
        final KafkaStreams instance = running();
        final StateQueryRequest<KeyValueIterator<String, String>> request = StateQueryRequest.inStore(stores.apIndex())
            .withQuery(RangeQuery.<String, String>withNoBounds())
            .requireActive();
        final StateQueryResult<KeyValueIterator<String, String>> result;
        try {
            result = instance.query(request);
        } catch (final StreamsException | IllegalStateException e) {
            throw new UnavailableException("store " + stores.apIndex() + " cannot be read now: " + e.getMessage());
        }
        final List<ApEntry> aps = new ArrayList<>();
        for (final Map.Entry<Integer, QueryResult<KeyValueIterator<String, String>>> partition : result.getPartitionResults().entrySet()) {
            final QueryResult<KeyValueIterator<String, String>> partitionResult = partition.getValue();
            if (partitionResult.isFailure()) {
                continue;
            }
            try (KeyValueIterator<String, String> iterator = partitionResult.getResult()) {
                while (iterator.hasNext()) {
                    final KeyValue<String, String> entry = iterator.next();
                    if (entry.value != null) {
                        aps.add(ApEntry.of(entry.key, entry.value));
                    }
                }
            }
        }
        return aps;
    }

    private <R> Lookup<R> read(final String store, final Query<R> query, final int partition) {
        final KafkaStreams instance;
        try {
            instance = running();
        } catch (final UnavailableException e) {
            return new Lookup.Unservable<>(e.getMessage());
        }
        final StateQueryResult<R> result;
        try {
            result = instance.query(StateQueryRequest.inStore(store).withQuery(query).withPartitions(Set.of(partition)));
        } catch (final StreamsException | IllegalStateException e) {
            return new Lookup.Unservable<>("store " + store + " cannot be read now: " + e.getMessage());
        }
        final QueryResult<R> partitionResult = result.getPartitionResults().get(partition);
        if (partitionResult == null) {
            return new Lookup.Unservable<>("partition " + partition + " of " + store + " is not hosted here");
        }
        if (partitionResult.isFailure()) {
            return new Lookup.Unservable<>(partitionResult.getFailureReason() + ": " + partitionResult.getFailureMessage());
        }
        return Lookup.ofNullable(partitionResult.getResult());
    }

    private static <V> Lookup<V> unversion(final Lookup<VersionedRecord<V>> lookup) {
        if (lookup instanceof Lookup.Found<VersionedRecord<V>> found) {
            return Lookup.ofNullable(found.value().value());
        }
        if (lookup instanceof Lookup.Unservable<VersionedRecord<V>> unservable) {
            return new Lookup.Unservable<>(unservable.reason());
        }
        return new Lookup.Absent<>();
    }

    private KafkaStreams running() {
        final KafkaStreams instance = streams.get();
        if (instance == null || !instance.state().isRunningOrRebalancing()) {
            throw new UnavailableException("the streams app is " + (instance == null ? "starting" : instance.state()));
        }
        return instance;
    }
}
