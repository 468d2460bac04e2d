package io.tether.schemas.serde;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Creates the {@link SchemaRegistryClient} a {@code schema.registry.url} names. */
public final class SchemaRegistryClients {
    private SchemaRegistryClients() {
    }

    /** A client for the configured URL: the shared in-memory registry for {@code mock://scope}, else cached REST. */
    public static SchemaRegistryClient create(final Map<String, ?> configs) {
        return create(new AvroSerdeConfig(configs));
    }

    public static SchemaRegistryClient create(final AvroSerdeConfig config) {
        final String url = config.registryUrl();
        if (url == null || url.isBlank()) {
            throw new ConfigException("Missing required configuration \"" + AvroSerdeConfig.SCHEMA_REGISTRY_URL
                    + "\": set it to http://host:port (several comma-separated) or mock://<scope>");
        }
        final String trimmed = url.trim();
        if (trimmed.startsWith(AvroSerdeConfig.MOCK_URL_PREFIX)) {
            final String scope = trimmed.substring(AvroSerdeConfig.MOCK_URL_PREFIX.length());
            if (trimmed.contains(",")) {
                throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                        "a mock:// URL cannot be combined with other URLs");
            }
            return MockSchemaRegistryClient.forScope(scope);
        }
        return new CachedSchemaRegistryClient(new RestSchemaRegistryClient(parseUrls(trimmed),
                Duration.ofMillis(config.connectTimeoutMs()), Duration.ofMillis(config.readTimeoutMs()),
                config.basicAuthUserInfo()));
    }

    /** Parses comma-separated {@code http(s)://host:port[/path]} base URLs, with a clear error for each bad one. */
    public static List<URI> parseUrls(final String urls) {
        final List<URI> result = new ArrayList<>();
        for (final String part : urls.split(",")) {
            final String u = part.trim();
            if (u.isEmpty()) {
                continue;
            }
            final URI uri;
            try {
                uri = new URI(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
            } catch (final java.net.URISyntaxException e) {
                throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls, "not a URL: '" + u + "' (" + e.getReason() + ")");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls,
                        "expected http://host:port or https://host:port, got '" + u + "'");
            }
            result.add(uri);
        }
        if (result.isEmpty()) {
            throw new ConfigException(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls, "no URL given");
        }
        return List.copyOf(result);
    }
}
