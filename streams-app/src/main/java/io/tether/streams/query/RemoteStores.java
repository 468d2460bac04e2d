package io.tether.streams.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tether.schemas.model.MigrationSet;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Reads another instance's copies of the query stores over its internal HTTP endpoints ({@link InternalPaths}).
 * Every failure to get an answer (refused, timed out, 503, garbled) is {@link Lookup.Unservable}: the caller then
 * tries the next copy.
 */
public final class RemoteStores implements AutoCloseable {

    private final HttpClient client;
    private final Duration timeout;

    /** @param timeout how long connecting to and hearing back from another instance may take */
    public RemoteStores(final Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    public Lookup<String> componentOf(final HostInfo host, final String ap, final int partition, final Instant asOf) {
        return get(host, InternalPaths.COMPONENT, ap, partition, asOf, body -> new String(body, StandardCharsets.UTF_8));
    }

    public Lookup<MigrationSet> migrationSet(final HostInfo host, final String componentId, final int partition, final Instant asOf) {
        return get(host, InternalPaths.MIGRATION_SET, componentId, partition, asOf, body -> {
            try {
                return MigrationSet.getDecoder().decode(body);
            } catch (final IOException e) {
                throw new IllegalStateException("undecodable migration set from " + host + ": " + e.getMessage(), e);
            }
        });
    }

    /** @throws UnavailableException when {@code host} does not answer with its list */
    public List<ApEntry> activeAps(final HostInfo host) {
        final HttpResponse<byte[]> response;
        try {
            response = client.send(request(host, InternalPaths.ACTIVE_APS), HttpResponse.BodyHandlers.ofByteArray());
        } catch (final IOException e) {
            throw new UnavailableException("instance " + host + " is unreachable: " + e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while asking " + host);
        }
        if (response.statusCode() != 200) {
            throw new UnavailableException("instance " + host + " cannot list its APs now (HTTP " + response.statusCode() + ")");
        }
        try {
            return Json.MAPPER.readValue(response.body(), new TypeReference<List<ApEntry>>() { });
        } catch (final IOException e) {
            throw new UnavailableException("instance " + host + " sent an unreadable AP list: " + e.getMessage());
        }
    }

    private <V> Lookup<V> get(final HostInfo host, final String path, final String key, final int partition,
                              final Instant asOf, final Function<byte[], V> decode) {
        final String query = "?" + InternalPaths.KEY + "=" + encode(key) + "&" + InternalPaths.PARTITION + "=" + partition
            + (asOf == null ? "" : "&" + InternalPaths.AS_OF + "=" + encode(asOf.toString()));
        final HttpResponse<byte[]> response;
        try {
            response = client.send(request(host, path + query), HttpResponse.BodyHandlers.ofByteArray());
        } catch (final IOException e) {
            return new Lookup.Unservable<>("instance " + host + " is unreachable: " + e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Unservable<>("interrupted while asking " + host);
        }
        return switch (response.statusCode()) {
            case 200 -> {
                try {
                    yield new Lookup.Found<>(decode.apply(response.body()));
                } catch (final RuntimeException e) {
                    yield new Lookup.Unservable<>(e.getMessage());
                }
            }
            case 404 -> new Lookup.Absent<>();
            default -> new Lookup.Unservable<>("instance " + host + " answered HTTP " + response.statusCode());
        };
    }

    private HttpRequest request(final HostInfo host, final String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
            .timeout(timeout)
            .GET()
            .build();
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        // java.net.http.HttpClient gained close() only in Java 21; on 17 its threads end when it is unreachable
    }
}
