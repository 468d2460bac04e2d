package io.tether.streams.query;

import io.tether.schemas.identity.ApId;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.MigrationSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Answers the API's questions from whichever instance holds the answer, so that every instance answers every query.
 *
 * <p>A key is read from the instance Kafka Streams assigns it to ({@code queryMetadataForKey}) — this one through
 * IQv2, another over HTTP — and, if that copy cannot be read, from its standbys in turn. A set takes two reads, which
 * may land on different instances: the AP's component from the AP index, then the component's set.
 */
public final class MigrationSetQueries {

    private final Supplier<KafkaStreams> streams;
    private final Supplier<HostInfo> self;
    private final LocalStores local;
    private final RemoteStores remote;

    /**
     * @param streams the running instance, or null while it is being created
     * @param self    this instance's {@code application.server}, known once the HTTP port is bound
     */
    public MigrationSetQueries(final Supplier<KafkaStreams> streams, final Supplier<HostInfo> self, final LocalStores local,
                               final RemoteStores remote) {
        this.streams = streams;
        this.self = self;
        this.local = local;
        this.remote = remote;
    }

    /**
     * The migration set of {@code ap} now, or as it was at {@code asOf} (null for now).
     *
     * @throws NotFoundException    when the AP is unknown (at that time)
     * @throws UnavailableException when no copy of the answer can be read now
     */
    public MigrationSetView migrationSet(final ApId ap, final Instant asOf) {
        final String key = ap.toString();
        final QueryStores stores = local.stores();
        final Lookup<String> component = route(asOf == null ? stores.apIndex() : stores.apIndexHistory(), key,
            (host, partition) -> host.equals(self.get())
                ? local.componentOf(key, partition, asOf)
                : remote.componentOf(host, key, partition, asOf));
        if (!(component instanceof Lookup.Found<String> foundComponent)) {
            throw new NotFoundException(asOf == null ? unknownAp(key) : "AP " + key + " was not known at " + asOf);
        }
        final String componentId = foundComponent.value();
        final Lookup<MigrationSet> set = route(stores.migrationSets(), componentId,
            (host, partition) -> host.equals(self.get())
                ? local.migrationSet(componentId, partition, asOf)
                : remote.migrationSet(host, componentId, partition, asOf));
        if (set instanceof Lookup.Found<MigrationSet> found && contains(found.value(), key)) {
            return MigrationSetView.of(key, found.value(), asOf == null ? null : asOf.toString());
        }
        // the AP index and the set table are two topics: for a moment after a component merges or splits, the index
        // may name a component whose set does not (yet) hold the AP. Live, that settles by itself; in the past it won't.
        if (asOf == null) {
            throw new UnavailableException("the migration set of " + key + " is being updated (component " + componentId + ")", 1);
        }
        throw new NotFoundException("no migration set of AP " + key + " at " + asOf);
    }

    /**
     * Every known AP, gathered from every instance's active partitions of the AP index.
     *
     * @throws UnavailableException while a rebalance moves partitions, or when an instance does not answer (the list
     *                              would silently miss its APs)
     */
    public List<ApEntry> aps() {
        final KafkaStreams instance = streams.get();
        if (instance == null || instance.state() != KafkaStreams.State.RUNNING) {
            throw new UnavailableException("the streams app is " + (instance == null ? "starting" : instance.state())
                + "; the AP list is complete only between rebalances");
        }
        final Collection<StreamsMetadata> hosts;
        try {
            hosts = instance.streamsMetadataForStore(local.stores().apIndex());
        } catch (final StreamsException | IllegalStateException e) {
            throw new UnavailableException("cannot tell which instances hold the AP index: " + e.getMessage());
        }
        final Map<String, ApEntry> aps = new TreeMap<>();
        for (final StreamsMetadata host : hosts) {
            if (host.topicPartitions().isEmpty()) {
                continue;
            }
            final List<ApEntry> part = host.hostInfo().equals(self.get()) ? local.activeAps() : remote.activeAps(host.hostInfo());
            part.forEach(entry -> aps.put(entry.ap(), entry));
        }
        return List.copyOf(aps.values());
    }

    /** Reads {@code key} from its active copy, else from its standbys, this instance's own copy first among them. */
    private <V> Lookup<V> route(final String store, final String key,
                                final CopyReader<V> read) {
        final KafkaStreams instance = streams.get();
        if (instance == null) {
            throw new UnavailableException("the streams app is starting");
        }
        final KeyQueryMetadata metadata;
        try {
            metadata = instance.queryMetadataForKey(store, key, Serdes.String().serializer());
        } catch (final StreamsException | IllegalStateException e) {
            throw new UnavailableException("cannot locate " + key + " now: " + e.getMessage());
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw new UnavailableException("a rebalance is in progress; the owner of " + key + " is not known yet");
        }
        final List<HostInfo> candidates = new ArrayList<>();
        candidates.add(metadata.activeHost());
        metadata.standbyHosts().stream()
            .sorted(Comparator.comparing((HostInfo host) -> !host.equals(self.get())).thenComparing(HostInfo::host).thenComparingInt(HostInfo::port))
            .forEach(candidates::add);
        final List<String> reasons = new ArrayList<>();
        for (final HostInfo host : candidates) {
            final Lookup<V> lookup = read.read(host, metadata.partition());
            if (lookup instanceof Lookup.Unservable<V> unservable) {
                reasons.add(host.host() + ":" + host.port() + ": " + unservable.reason());
            } else {
                return lookup;
            }
        }
        throw new UnavailableException("no copy of " + key + " in " + store + " can be read now (" + String.join("; ", reasons) + ")");
    }

    /** Reads one partition's copy of a key on one instance. */
    @FunctionalInterface
    private interface CopyReader<V> {
        Lookup<V> read(HostInfo host, int partition);
    }

    private static boolean contains(final MigrationSet set, final String ap) {
        for (final AppMember app : set.getApps()) {
            if (app.getAp().equals(ap)) {
                return true;
            }
        }
        return false;
    }

    /** What a 404 says of an AP unknown now: one wording for the migration set, the plan and the CLI commands. */
    public static String unknownAp(final String ap) {
        return "unknown AP " + ap + ": no events of it within the evidence window";
    }
}
