package io.tether.registry;

import static io.tether.registry.RegistryHttp.schemaBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.registry.RegistryHttp.Response;
import io.tether.schemas.event.ExecEvent;
import io.tether.testkit.KafkaBrokerExtension;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Confluent REST subset against one registry on a real in-process broker. */
class RegistryRestApiTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();

    private static SchemaRegistryServer registry;
    private static RegistryHttp http;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryServer.start(KAFKA.bootstrapServers(), 0);
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void registeringTheSameSchemaAgainOrUnderAnotherSubjectKeepsItsId() {
        final String schema = ExecEvent.getClassSchema().toString();
        final Response first = http.post("/subjects/rest.exec-value/versions", schemaBody(schema));
        assertEquals(200, first.status());
        assertEquals("application/vnd.schemaregistry.v1+json", first.contentType());
        final int id = first.json().get("id").asInt();

        assertEquals(id, http.register("rest.exec-value", schema));
        assertEquals(id, http.register("rest.exec-copy-value", schema));

        final List<String> subjects = new ArrayList<>();
        http.get("/subjects").json().forEach(s -> subjects.add(s.asText()));
        assertTrue(subjects.containsAll(List.of("rest.exec-value", "rest.exec-copy-value")), subjects.toString());
        assertEquals("[1]", http.get("/subjects/rest.exec-value/versions").json().toString());
        assertEquals(ExecEvent.getClassSchema(), new Schema.Parser().parse(
                http.get("/schemas/ids/" + id).json().get("schema").asText()));
        assertEquals(ExecEvent.getClassSchema(), new Schema.Parser().parse(
                http.get("/schemas/ids/" + id + "/schema").body()));
    }

    @Test
    void aDifferentSchemaGetsANewId() {
        final int a = http.register("rest.a-value", Samples.V1);
        final int b = http.register("rest.b-value", Samples.OTHER);
        assertNotEquals(a, b);
    }

    @Test
    void lookupAnswersWithVersionAndIdOrSaysWhatIsMissing() {
        final int id = http.register("rest.lookup-value", Samples.V1);
        final JsonNode found = http.post("/subjects/rest.lookup-value", schemaBody(Samples.V1)).json();
        assertEquals("rest.lookup-value", found.get("subject").asText());
        assertEquals(1, found.get("version").asInt());
        assertEquals(id, found.get("id").asInt());
        assertEquals(new Schema.Parser().parse(Samples.V1), new Schema.Parser().parse(found.get("schema").asText()));

        final Response otherSchema = http.post("/subjects/rest.lookup-value", schemaBody(Samples.OTHER));
        assertEquals(404, otherSchema.status());
        assertEquals(40403, otherSchema.errorCode());

        final Response noSubject = http.post("/subjects/rest.nobody-value", schemaBody(Samples.V1));
        assertEquals(404, noSubject.status());
        assertEquals(40401, noSubject.errorCode());
    }

    @Test
    void versionsAreNumberedAndLatestIsTheNewest() {
        final int v1 = http.register("rest.versions-value", Samples.V1);
        final int v2 = http.register("rest.versions-value", Samples.V2_OPTIONAL_FIELD);
        assertEquals("[1,2]", http.get("/subjects/rest.versions-value/versions").json().toString());
        assertEquals(v1, http.get("/subjects/rest.versions-value/versions/1").json().get("id").asInt());
        final JsonNode latest = http.get("/subjects/rest.versions-value/versions/latest").json();
        assertEquals(2, latest.get("version").asInt());
        assertEquals(v2, latest.get("id").asInt());
        assertEquals(v2, http.get("/subjects/rest.versions-value/versions/-1").json().get("id").asInt());

        assertError(http.get("/subjects/rest.versions-value/versions/3"), 404, 40402);
        assertError(http.get("/subjects/rest.versions-value/versions/abc"), 422, 42202);
        assertError(http.get("/subjects/rest.versions-value/versions/0"), 422, 42202);
        assertError(http.get("/subjects/rest.nobody-value/versions"), 404, 40401);
        assertError(http.get("/subjects/rest.nobody-value/versions/latest"), 404, 40401);
    }

    @Test
    void backwardCompatibleChangeIsAcceptedAndIncompatibleOneRefusedWithWhatBroke() {
        http.register("rest.evolve-value", Samples.V1);
        final Response check = http.post("/compatibility/subjects/rest.evolve-value/versions/latest",
                schemaBody(Samples.V2_OPTIONAL_FIELD));
        assertEquals(200, check.status());
        assertTrue(check.json().get("is_compatible").asBoolean());
        http.register("rest.evolve-value", Samples.V2_OPTIONAL_FIELD);

        final Response refused = http.post("/subjects/rest.evolve-value/versions", schemaBody(Samples.V3_REQUIRED_FIELD));
        assertError(refused, 409, 409);
        final String message = refused.json().get("message").asText();
        assertTrue(message.contains("rest.evolve-value"), message);
        assertTrue(message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), message);
        assertTrue(message.contains("Sample.cwd"), message);
        assertEquals("[1,2]", http.get("/subjects/rest.evolve-value/versions").json().toString());

        final Response verdict = http.post("/compatibility/subjects/rest.evolve-value/versions/latest?verbose=true",
                schemaBody(Samples.V3_REQUIRED_FIELD));
        assertFalse(verdict.json().get("is_compatible").asBoolean());
        assertTrue(verdict.json().get("messages").get(0).asText().contains("cwd"), verdict.body());
        assertError(http.post("/compatibility/subjects/rest.nobody-value/versions/latest", schemaBody(Samples.V1)),
                404, 40401);
    }

    @Test
    void compatibilityLevelsAreConfigurablePerSubjectAndGlobally() {
        assertEquals("BACKWARD", http.get("/config").json().get("compatibilityLevel").asText());
        assertError(http.get("/config/rest.config-value"), 404, 40408);
        assertEquals("BACKWARD", http.get("/config/rest.config-value?defaultToGlobal=true").json()
                .get("compatibilityLevel").asText());

        http.register("rest.config-value", Samples.V1);
        final Response set = http.put("/config/rest.config-value", "{\"compatibility\":\"NONE\"}");
        assertEquals(200, set.status());
        assertEquals("NONE", set.json().get("compatibility").asText());
        assertEquals("NONE", http.get("/config/rest.config-value").json().get("compatibilityLevel").asText());
        // NONE lets an otherwise refused change through
        http.register("rest.config-value", Samples.V3_REQUIRED_FIELD);

        http.register("rest.forward-value", Samples.V2_OPTIONAL_FIELD);
        http.put("/config/rest.forward-value", "{\"compatibility\":\"FORWARD\"}");
        // removing the required field 'path' breaks FORWARD: readers of version 1 need it and have no default
        assertError(http.post("/subjects/rest.forward-value/versions", schemaBody(Samples.WITHOUT_PATH)), 409, 409);

        assertError(http.put("/config/rest.config-value", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(http.put("/config", "{\"level\":\"NONE\"}"), 422, 42203);
        try {
            assertEquals("FULL", http.put("/config", "{\"compatibility\":\"full\"}").json().get("compatibility").asText());
            assertEquals("FULL", http.get("/config").json().get("compatibilityLevel").asText());
        } finally {
            http.put("/config", "{\"compatibility\":\"BACKWARD\"}");
        }
    }

    @Test
    void badRequestsGetConfluentErrorCodesAndNoStackTrace() {
        final List<Response> refused = List.of(
                assertError(http.post("/subjects/rest.bad-value/versions", "{\"schema\": "), 400, 400),
                assertError(http.post("/subjects/rest.bad-value/versions", "not json at all"), 400, 400),
                assertError(http.post("/subjects/rest.bad-value/versions", "[1,2]"), 422, 422),
                assertError(http.post("/subjects/rest.bad-value/versions", "{}"), 422, 42201),
                assertError(http.post("/subjects/rest.bad-value/versions", "{\"schema\": 7}"), 422, 422),
                assertError(http.post("/subjects/rest.bad-value/versions", schemaBody("{\"type\":\"record\"}")), 422, 42201),
                assertError(http.post("/subjects/rest.bad-value/versions", schemaBody("{not json")), 422, 42201),
                assertError(http.post("/subjects/rest.bad-value/versions", schemaBody(Samples.BAD_DEFAULT)), 422, 42201),
                assertError(http.post("/subjects/rest.bad-value/versions",
                        "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201),
                assertError(http.get("/schemas/ids/987654"), 404, 40403),
                assertError(http.get("/schemas/ids/abc"), 404, 40403),
                assertError(http.get("/no/such/endpoint"), 404, 404),
                assertError(http.put("/config", ""), 400, 400));
        for (final Response response : refused) {
            assertFalse(response.body().contains("Exception"), response.body());
            assertFalse(response.body().contains("\tat "), response.body());
            assertEquals("application/vnd.schemaregistry.v1+json", response.contentType(), response.toString());
        }
        assertError(http.get("/subjects/rest.bad-value/versions"), 404, 40401);
    }

    private static Response assertError(final Response response, final int status, final int errorCode) {
        assertEquals(status, response.status(), response.toString());
        assertEquals(errorCode, response.errorCode(), response.toString());
        assertFalse(response.json().path("message").asText().isBlank(), response.toString());
        return response;
    }
}
