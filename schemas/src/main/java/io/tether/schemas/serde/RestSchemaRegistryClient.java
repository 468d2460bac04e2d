package io.tether.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * The Confluent Schema Registry REST API, as used by Confluent's serializers; works against Confluent,
 * Apicurio (ccompat), Redpanda, Karapace and Tether's own registry. Uncached: wrap it in
 * {@link CachedSchemaRegistryClient} (as {@link SchemaRegistryClients#create} does).
 *
 * <p>With several base URLs a request goes to the one that answered last; when it cannot be reached (or answers
 * 5xx) the next URLs are tried, each once, before the call fails with every URL's error. A 4xx answer is the
 * registry's verdict and is not retried elsewhere.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final Duration requestTimeout;
    private final String authorization;
    private final HttpClient http;
    /** Index of the URL that answered last; requests start there. */
    private volatile int preferred;

    public RestSchemaRegistryClient(final List<URI> baseUrls, final Duration connectTimeout, final Duration requestTimeout,
                                    final String basicAuthUserInfo) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no schema registry URL");
        }
        this.baseUrls = List.copyOf(baseUrls);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.authorization = basicAuthUserInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // HTTP/1.1: an h2c upgrade attempt on plain http confuses some registries and proxies
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A client for one or more base URLs with the default timeouts (5 s connect, 10 s per request). */
    public static RestSchemaRegistryClient forUrls(final String commaSeparatedUrls) {
        return new RestSchemaRegistryClient(SchemaRegistryClients.parseUrls(commaSeparatedUrls), Duration.ofSeconds(5),
                Duration.ofSeconds(10), null);
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final JsonNode answer = send("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema));
        return requiredInt(answer, "id", "register under subject '" + subject + "'");
    }

    @Override
    public int lookupId(final String subject, final Schema schema) {
        final JsonNode answer = send("POST", "/subjects/" + segment(subject), schemaBody(schema));
        return requiredInt(answer, "id", "look up schema under subject '" + subject + "'");
    }

    @Override
    public Schema getById(final int id) {
        final JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        return parse(answer, "schema " + id);
    }

    @Override
    public RegisteredSchema latest(final String subject) {
        final JsonNode answer = send("GET", "/subjects/" + segment(subject) + "/versions/latest", null);
        final String what = "latest version of subject '" + subject + "'";
        return new RegisteredSchema(subject, requiredInt(answer, "version", what), requiredInt(answer, "id", what),
                parse(answer, what));
    }

    private static String schemaBody(final Schema schema) {
        final ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static Schema parse(final JsonNode answer, final String what) {
        final JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    what + " is a " + type.asText() + " schema, not Avro");
        }
        final JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "registry answer for " + what + " has no \"schema\" string: " + abbreviate(answer.toString()));
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (final SchemaParseException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "registry returned an unparseable Avro schema for " + what + ": " + e.getMessage(), e);
        }
    }

    private static int requiredInt(final JsonNode answer, final String field, final String what) {
        final JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(200, SchemaRegistryException.UNREACHABLE,
                    "registry answer to " + what + " has no integer \"" + field + "\": " + abbreviate(answer.toString()));
        }
        return value.intValue();
    }

    /** Sends to the preferred URL, failing over to the others on connection errors and 5xx answers. */
    private JsonNode send(final String method, final String path, final String body) {
        final List<String> failures = new ArrayList<>();
        final int start = preferred;
        SchemaRegistryException last = null;
        for (int i = 0; i < baseUrls.size(); i++) {
            final int index = (start + i) % baseUrls.size();
            final URI base = baseUrls.get(index);
            final URI uri = URI.create(base.toString() + path);
            final HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", ACCEPT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            final HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (final IOException e) {
                failures.add(uri + ": " + e);
                last = new SchemaRegistryException(SchemaRegistryException.UNREACHABLE, SchemaRegistryException.UNREACHABLE,
                        method + " " + uri + " failed: " + e, e);
                continue;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException("interrupted during " + method + " " + uri, e);
            }
            final int status = response.statusCode();
            if (status >= 200 && status < 300) {
                preferred = index;
                return readJson(response, method, uri);
            }
            final SchemaRegistryException error = errorOf(response, method, uri);
            if (status < 500) {
                preferred = index;
                throw error;
            }
            failures.add(uri + ": " + error.getMessage());
            last = error;
        }
        if (baseUrls.size() == 1) {
            throw last;
        }
        throw new SchemaRegistryException(last.httpStatus(), last.errorCode(),
                "no schema registry answered " + method + " " + path + ": " + String.join("; ", failures), last);
    }

    private static JsonNode readJson(final HttpResponse<String> response, final String method, final URI uri) {
        try {
            return JSON.readTree(response.body());
        } catch (final IOException e) {
            throw new SchemaRegistryException(response.statusCode(), SchemaRegistryException.UNREACHABLE,
                    method + " " + uri + " answered with a body that is not JSON: " + abbreviate(response.body()), e);
        }
    }

    /** Confluent error bodies are {@code {"error_code": 40401, "message": "..."}}; anything else is quoted. */
    private static SchemaRegistryException errorOf(final HttpResponse<String> response, final String method, final URI uri) {
        final int status = response.statusCode();
        int code = status;
        String message = abbreviate(response.body());
        try {
            final JsonNode body = JSON.readTree(response.body());
            if (body != null && body.isObject()) {
                if (body.path("error_code").canConvertToInt()) {
                    code = body.get("error_code").intValue();
                }
                if (body.path("message").isTextual()) {
                    message = body.get("message").asText();
                }
            }
        } catch (final IOException notJson) {
            // keep the raw (abbreviated) body as the message
        }
        return new SchemaRegistryException(status, code,
                method + " " + uri + " → HTTP " + status + ", error_code " + code + ": " + message);
    }

    /** Percent-encodes a subject as one path segment (URLEncoder writes spaces as '+', which paths do not). */
    private static String segment(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(final String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
