package io.tether.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Internal topic and store names are derived from operator names: none may be generated (they would shift). */
class TopologyNamingTest {

    @Test
    void everyOperatorStoreAndTopicIsNamed() {
        final Topology topology = MigrationSetTopology.buildTopology(TopologyOptions.builder()
            .serdeConfig("schema.registry.url", "mock://naming").build());
        final TopologyDescription description = topology.describe();
        final String text = description.toString();
        final Matcher generated = Pattern.compile("(KSTREAM|KTABLE)-[A-Z]+-\\d+").matcher(text);
        final List<String> found = generated.results().map(r -> r.group()).distinct().toList();
        assertEquals(List.of(), found, () -> "generated names in\n" + text);
        for (final String store : List.of(StoreNames.MIGRATION_SETS_HISTORY,
            StoreNames.AP_INDEX, StoreNames.AP_INDEX_HISTORY, StoreNames.PROCESS_TABLE)) {
            assertTrue(text.contains(store), () -> store + " missing in\n" + text);
        }
        System.out.println(text);
    }
}
