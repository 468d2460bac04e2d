package io.tether.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The standalone launcher's flags: good ones become a config, bad ones a message (no broker needed). */
class SchemaRegistryServerArgsTest {

    @Test
    void flagsBecomeTheConfig() {
        final SchemaRegistryConfig config = SchemaRegistryServer.parseArgs(new String[] {
                "--bootstrap-servers", "k1:9092,k2:9092", "--port", "18081", "--host", "0.0.0.0",
                "--topic", "_tether_schemas", "--replication-factor", "3", "--timeout-seconds", "5"});
        assertEquals(new SchemaRegistryConfig("k1:9092,k2:9092", "0.0.0.0", 18081, "_tether_schemas",
                Optional.of((short) 3), Duration.ofSeconds(5)), config);
        assertEquals(SchemaRegistryConfig.of("k:9092", 8081),
                SchemaRegistryServer.parseArgs(new String[] {"--bootstrap-servers", "k:9092"}));
    }

    @Test
    void badFlagsAreExplained() {
        assertMessage("--bootstrap-servers is required", "--port", "1");
        assertMessage("--port needs a number, got 'x'", "--bootstrap-servers", "k:1", "--port", "x");
        assertMessage("unknown option --colour", "--bootstrap-servers", "k:1", "--colour", "red");
        assertMessage("missing value after --topic", "--bootstrap-servers", "k:1", "--topic");
        assertMessage("port must be within 0..65535, got 70000", "--bootstrap-servers", "k:1", "--port", "70000");
        assertMessage("replication factor must be at least 1, got 0", "--bootstrap-servers", "k:1", "--replication-factor", "0");
    }

    private static void assertMessage(final String expected, final String... args) {
        final IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> SchemaRegistryServer.parseArgs(args));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
