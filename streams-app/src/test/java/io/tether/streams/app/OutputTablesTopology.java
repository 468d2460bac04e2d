package io.tether.streams.app;

import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroSerde;
import io.tether.streams.query.QueryStores;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.StoreNames;
import io.tether.streams.topology.TopologyOptions;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Map;

/**
 * Test fixture: a topology that only materialises the real topology's two output topics into the same four query
 * stores. The real topology computes every set in one task (one partition), so with it all keys live on one
 * instance; this one spreads the tables over as many partitions as the topics have, so that tests can show
 * instances answering for keys that the others own.
 */
final class OutputTablesTopology {

    static final String MIGRATION_SETS_TOPIC = io.tether.schemas.Topics.MIGRATION_SETS;
    static final String AP_INDEX_TOPIC = TopologyOptions.DEFAULT_AP_INDEX_TOPIC;
    static final QueryStores STORES = QueryStores.TOPOLOGY;

    private OutputTablesTopology() {
    }

    static Topology build(final String registryUrl, final Duration history) {
        final StreamsBuilder builder = new StreamsBuilder();
        final Serde<String> keys = Serdes.String();
        final AvroSerde<MigrationSet> sets = new AvroSerde<>(MigrationSet.class);
        sets.configure(Map.of("schema.registry.url", registryUrl), false);

        builder.table(MIGRATION_SETS_TOPIC, Consumed.with(keys, sets).withName("sets-source"),
            Materialized.<String, MigrationSet>as(Stores.persistentVersionedKeyValueStore(
                StoreNames.MIGRATION_SETS_HISTORY, history)).withKeySerde(keys).withValueSerde(sets));

        final KStream<String, String> index = builder.stream(AP_INDEX_TOPIC, Consumed.with(keys, keys).withName("index-source"));
        index.toTable(Named.as("index-table"), Materialized.<String, String>as(
            Stores.persistentKeyValueStore(StoreNames.AP_INDEX)).withKeySerde(keys).withValueSerde(keys));
        index.toTable(Named.as("index-history-table"), Materialized.<String, String>as(
            Stores.persistentVersionedKeyValueStore(StoreNames.AP_INDEX_HISTORY, history)).withKeySerde(keys).withValueSerde(keys));
        return builder.build(MigrationSetTopology.optimizations());
    }
}
