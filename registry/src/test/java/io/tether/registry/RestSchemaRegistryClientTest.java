package io.tether.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.serde.AvroSerde;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.schemas.serde.RegisteredSchema;
import io.tether.schemas.serde.RestSchemaRegistryClient;
import io.tether.schemas.serde.SchemaRegistryException;
import io.tether.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The serde's REST client ({@code io.tether.schemas.serde.RestSchemaRegistryClient}) against the real registry
 * server on a real in-process broker: the four Confluent calls, Confluent error codes surfacing in
 * {@link SchemaRegistryException}, and fail-over between registry instances sharing one {@code _schemas} topic.
 */
class RestSchemaRegistryClientTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    private static SchemaRegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryServer.start(KAFKA.bootstrapServers(), 0);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    /** A URL on which nothing listens: a loopback port that was just free. */
    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** ExecEvent with one more optional field: a BACKWARD-compatible next version. */
    private static Schema execEventV2() {
        final Schema v1 = ExecEvent.getClassSchema();
        final List<Schema.Field> fields = new ArrayList<>();
        for (final Schema.Field f : v1.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field("environmentHash", SchemaBuilder.unionOf().nullType().and().stringType().endUnion(),
                "added in v2", JsonProperties.NULL_VALUE));
        return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
    }

    @Test
    void theFourConfluentCallsAgreeWithEachOther() {
        final RestSchemaRegistryClient client = RestSchemaRegistryClient.forUrls(registry.url());
        final int id = client.register("rc.exec-value", ExecEvent.getClassSchema());
        assertEquals(id, client.register("rc.exec-value", ExecEvent.getClassSchema()));
        assertEquals(id, client.lookupId("rc.exec-value", ExecEvent.getClassSchema()));
        assertEquals(ExecEvent.getClassSchema(), client.getById(id));
        assertEquals(new RegisteredSchema("rc.exec-value", 1, id, ExecEvent.getClassSchema()), client.latest("rc.exec-value"));

        final int v2 = client.register("rc.exec-value", execEventV2());
        assertNotEquals(id, v2);
        final RegisteredSchema latest = client.latest("rc.exec-value");
        assertEquals(2, latest.version());
        assertEquals(v2, latest.id());
        assertEquals(execEventV2(), latest.schema());
        // the same schema under another subject keeps its global id
        assertEquals(id, client.register("rc.copy-value", ExecEvent.getClassSchema()));
    }

    @Test
    void registryErrorsCarryConfluentCodes() {
        final RestSchemaRegistryClient client = RestSchemaRegistryClient.forUrls(registry.url());
        final SchemaRegistryException noSubject = assertThrows(SchemaRegistryException.class,
                () -> client.lookupId("rc.none-value", ExecEvent.getClassSchema()));
        assertEquals(404, noSubject.httpStatus());
        assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, noSubject.errorCode());
        assertTrue(noSubject.isNotFound() && !noSubject.isRetriable());
        assertTrue(noSubject.getMessage().contains("/subjects/rc.none-value"), noSubject.getMessage());

        client.register("rc.errors-value", ExecEvent.getClassSchema());
        final SchemaRegistryException noSchema = assertThrows(SchemaRegistryException.class,
                () -> client.lookupId("rc.errors-value", OpenEvent.getClassSchema()));
        assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, noSchema.errorCode());
        assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND,
                assertThrows(SchemaRegistryException.class, () -> client.getById(987_654)).errorCode());
        assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND,
                assertThrows(SchemaRegistryException.class, () -> client.latest("rc.none-value")).errorCode());

        final Schema incompatible = SchemaBuilder.record("ExecEvent").namespace("io.tether.schemas.event").fields()
                .requiredString("onlyField").endRecord();
        final SchemaRegistryException refused = assertThrows(SchemaRegistryException.class,
                () -> client.register("rc.errors-value", incompatible));
        assertEquals(409, refused.httpStatus());
        assertEquals(SchemaRegistryException.INCOMPATIBLE_SCHEMA, refused.errorCode());
        assertFalse(refused.isRetriable());
    }

    @Test
    void subjectsAreEncodedAsOnePathSegment() {
        final RestSchemaRegistryClient client = RestSchemaRegistryClient.forUrls(registry.url());
        final String subject = "rc exec:ä+1-value";
        final int id = client.register(subject, ExecEvent.getClassSchema());
        assertEquals(id, client.latest(subject).id());
        assertEquals(subject, client.latest(subject).subject());
    }

    @Test
    void aDeadUrlIsSkippedAndAnotherInstanceTakesOver() throws IOException {
        final SchemaRegistryConfig pair = SchemaRegistryConfig.of(KAFKA.bootstrapServers(), 0).withTopic("_schemas_rc_failover");
        final String dead = deadUrl();
        try (SchemaRegistryServer second = SchemaRegistryServer.start(pair)) {
            final String urls;
            final int id;
            final RestSchemaRegistryClient client;
            try (SchemaRegistryServer first = SchemaRegistryServer.start(pair)) {
                urls = dead + "," + first.url() + "," + second.url();
                client = RestSchemaRegistryClient.forUrls(urls);
                id = client.register("rc.failover-value", ExecEvent.getClassSchema());
            }
            // the first instance is gone: the same client carries on with the second
            assertEquals(ExecEvent.getClassSchema(), client.getById(id));
            assertEquals(id, client.latest("rc.failover-value").id());
            assertNotEquals(id, client.register("rc.failover-value", execEventV2()));
            assertEquals(2, client.latest("rc.failover-value").version());

            // and so does a serde configured with the same URL list
            try (AvroSerde<ExecEvent> serde = new AvroSerde<>(ExecEvent.class)) {
                serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls), false);
                final ExecEvent event = SampleEvents.exec();
                assertEquals(event, serde.deserializer().deserialize("rc.failover",
                        serde.serializer().serialize("rc.failover", event)));
            }
        }
    }

    @Test
    void whenNoUrlAnswersTheErrorListsEveryAttempt() throws IOException {
        final String one = deadUrl();
        final String two = deadUrl();
        final SchemaRegistryException down = assertThrows(SchemaRegistryException.class,
                () -> RestSchemaRegistryClient.forUrls(one + "," + two).getById(1));
        assertTrue(down.isRetriable());
        assertEquals(SchemaRegistryException.UNREACHABLE, down.httpStatus());
        assertTrue(down.getMessage().startsWith("no schema registry answered GET /schemas/ids/1"), down.getMessage());
        assertTrue(down.getMessage().contains(one + "/schemas/ids/1") && down.getMessage().contains(two + "/schemas/ids/1"),
                down.getMessage());
    }
}
