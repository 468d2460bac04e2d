package io.tether.registry.internals;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST subset, mapped onto {@link RegistryService}. Every response, errors
 * included, is {@code application/vnd.schemaregistry.v1+json}; errors are {@code {"error_code","message"}}.
 */
public final class RestApi {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    /** Marks a response whose error body this class wrote, so Javalin's status handlers leave it alone. */
    private static final String ERROR_WRITTEN = "tether.registry.error-written";

    private final RegistryService service;
    private final ObjectMapper mapper;

    public RestApi(final RegistryService service, final ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    /** Adds the routes and error handling to a Javalin app that has not started yet. */
    public void install(final Javalin app) {
        app.get("/", ctx -> json(ctx, mapper.createObjectNode()));
        app.get("/subjects", ctx -> json(ctx, service.subjects()));
        app.post("/subjects/{subject}/versions", ctx -> {
            final int id = service.register(ctx.pathParam("subject"), schemaText(ctx));
            json(ctx, Map.of("id", id));
        });
        app.post("/subjects/{subject}", ctx -> json(ctx, describe(service.lookup(ctx.pathParam("subject"), schemaText(ctx)))));
        app.get("/subjects/{subject}/versions", ctx -> json(ctx, service.versions(ctx.pathParam("subject"))));
        app.get("/subjects/{subject}/versions/{version}",
                ctx -> json(ctx, describe(service.version(ctx.pathParam("subject"), ctx.pathParam("version")))));
        app.get("/subjects/{subject}/versions/{version}/schema",
                ctx -> raw(ctx, service.version(ctx.pathParam("subject"), ctx.pathParam("version")).schema()));
        app.get("/schemas/ids/{id}", ctx -> json(ctx, Map.of("schema", service.schemaById(schemaId(ctx)))));
        app.get("/schemas/ids/{id}/schema", ctx -> raw(ctx, service.schemaById(schemaId(ctx))));
        app.get("/schemas/types", ctx -> json(ctx, List.of("AVRO")));
        app.get("/config", ctx -> json(ctx, Map.of("compatibilityLevel", service.globalLevel().name())));
        app.put("/config", ctx -> json(ctx, Map.of("compatibility", service.setLevel(null, levelName(ctx)).name())));
        app.get("/config/{subject}", ctx -> json(ctx, Map.of("compatibilityLevel", service.subjectLevel(
                ctx.pathParam("subject"), Boolean.parseBoolean(ctx.queryParam("defaultToGlobal"))).name())));
        app.put("/config/{subject}",
                ctx -> json(ctx, Map.of("compatibility", service.setLevel(ctx.pathParam("subject"), levelName(ctx)).name())));
        app.post("/compatibility/subjects/{subject}/versions/{version}",
                ctx -> checkCompatibility(ctx, ctx.pathParam("version")));
        app.post("/compatibility/subjects/{subject}/versions", ctx -> checkCompatibility(ctx, "latest"));

        app.exception(RegistryException.class, (e, ctx) -> error(ctx, e.errorCode(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("Unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
            error(ctx, ErrorCode.INTERNAL_ERROR, "Internal error: " + e.getClass().getSimpleName());
        });
        statusWithoutBody(app, 400, ErrorCode.MALFORMED_REQUEST, "Bad request");
        statusWithoutBody(app, 404, ErrorCode.NOT_FOUND, "Not found: no endpoint");
        statusWithoutBody(app, 405, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed:");
        statusWithoutBody(app, 413, ErrorCode.MALFORMED_REQUEST, "Request body too large:");
        statusWithoutBody(app, 500, ErrorCode.INTERNAL_ERROR, "Internal error serving");
    }

    /** A JSON error body for statuses Javalin or Jetty set by themselves (unknown route, body too large ...). */
    private void statusWithoutBody(final Javalin app, final int status, final ErrorCode code, final String what) {
        app.error(status, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) {
                error(ctx, code, what + " " + ctx.method() + " " + ctx.path());
                ctx.status(status);
            }
        });
    }

    private void checkCompatibility(final Context ctx, final String version) throws IOException {
        final List<String> problems = service.compatibilityProblems(ctx.pathParam("subject"), version, schemaText(ctx));
        final ObjectNode body = mapper.createObjectNode();
        body.put("is_compatible", problems.isEmpty());
        if (Boolean.parseBoolean(ctx.queryParam("verbose"))) {
            problems.forEach(body.putArray("messages")::add);
        }
        json(ctx, body);
    }

    private Map<String, Object> describe(final StoredSchema schema) {
        return Map.of("subject", schema.subject(), "version", schema.version(), "id", schema.id(), "schema", schema.schema());
    }

    /** The "schema" field of a register/lookup/compatibility request body. */
    private String schemaText(final Context ctx) {
        final JsonNode body = body(ctx);
        final JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new RegistryException(ErrorCode.INVALID_SCHEMA,
                    "Invalid schema: schema type " + type.asText() + " is not supported, only AVRO");
        }
        final JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw new RegistryException(ErrorCode.INVALID_SCHEMA, "Invalid schema: schema references are not supported");
        }
        final JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull()) {
            throw new RegistryException(ErrorCode.INVALID_SCHEMA, "Invalid schema: the request has no \"schema\" field");
        }
        if (!schema.isTextual()) {
            throw new RegistryException(ErrorCode.UNPROCESSABLE_ENTITY,
                    "Unprocessable entity: \"schema\" must be a string holding the schema's JSON");
        }
        return schema.asText();
    }

    private String levelName(final Context ctx) {
        final JsonNode level = body(ctx).get("compatibility");
        if (level == null || !level.isTextual()) {
            throw new RegistryException(ErrorCode.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level: the request needs a \"compatibility\" string field");
        }
        return level.asText();
    }

    private JsonNode body(final Context ctx) {
        final byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new RegistryException(ErrorCode.MALFORMED_REQUEST, "Malformed JSON: the request body is empty");
        }
        final JsonNode body;
        try {
            body = mapper.readTree(bytes);
        } catch (final JsonProcessingException e) {
            throw new RegistryException(ErrorCode.MALFORMED_REQUEST, "Malformed JSON: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new RegistryException(ErrorCode.MALFORMED_REQUEST, "Unreadable request body: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new RegistryException(ErrorCode.UNPROCESSABLE_ENTITY, "Unprocessable entity: the body must be a JSON object");
        }
        return body;
    }

    private static int schemaId(final Context ctx) {
        final String id = ctx.pathParam("id");
        try {
            return Integer.parseInt(id);
        } catch (final NumberFormatException e) {
            throw new RegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Schema " + id + " not found: ids are integers");
        }
    }

    private void json(final Context ctx, final Object body) throws JsonProcessingException {
        ctx.status(200).contentType(CONTENT_TYPE).result(mapper.writeValueAsBytes(body));
    }

    private static void raw(final Context ctx, final String schema) {
        ctx.status(200).contentType(CONTENT_TYPE).result(schema);
    }

    private void error(final Context ctx, final ErrorCode code, final String message) {
        final ObjectNode body = mapper.createObjectNode();
        body.put("error_code", code.code());
        body.put("message", message);
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        try {
            ctx.status(code.httpStatus()).contentType(CONTENT_TYPE).result(mapper.writeValueAsBytes(body));
        } catch (final JsonProcessingException e) {
            ctx.status(500).contentType(CONTENT_TYPE).result("{\"error_code\":500,\"message\":\"Internal error\"}");
        }
    }
}
