package io.tether.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A plain HTTP client for the registry's REST API, as any Confluent-compatible client would call it. */
final class RegistryHttp {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One HTTP exchange: status, content type and the raw and parsed body. */
    record Response(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (final IOException e) {
                throw new AssertionError("response body is not JSON: " + body, e);
            }
        }

        int errorCode() {
            return json().path("error_code").asInt(-1);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    RegistryHttp(final String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Response get(final String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Response post(final String path, final String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response put(final String path, final String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code {"schema": "<schema JSON as a string>"}}, the body of register/lookup/compatibility requests. */
    static String schemaBody(final String schema) {
        final ObjectNode body = MAPPER.createObjectNode();
        body.put("schema", schema);
        return body.toString();
    }

    /** Registers and returns the id, failing the test on any other answer. */
    int register(final String subject, final String schema) {
        final Response response = post("/subjects/" + subject + "/versions", schemaBody(schema));
        if (response.status() != 200) {
            throw new AssertionError("registering under " + subject + " failed: " + response);
        }
        return response.json().get("id").asInt();
    }

    private Response send(final HttpRequest.Builder request) {
        try {
            final HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (final IOException e) {
            throw new AssertionError("HTTP request failed: " + e, e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
