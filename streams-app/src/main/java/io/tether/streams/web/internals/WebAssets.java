package io.tether.streams.web.internals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The files the page is made of, read from the jar: Tether's own under {@code web/}, and the graph library from
 * its WebJars. Only names on the fixed list below or matching a plain file name are served, so no request path
 * ever reaches an arbitrary class-path resource.
 */
public final class WebAssets {

    /** A served file: bytes and content type. */
    public record Asset(byte[] bytes, String contentType) {
    }

    private static final Pattern OWN_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(js|css|html|svg)");

    /** Vendor file name → (WebJar artifact, path inside its versioned directory). */
    private static final Map<String, String[]> VENDOR = Map.of(
        "cytoscape.min.js", new String[] {"cytoscape", "dist/cytoscape.min.js"},
        "layout-base.js", new String[] {"layout-base", "layout-base.js"},
        "cose-base.js", new String[] {"cose-base", "cose-base.js"},
        "cytoscape-fcose.js", new String[] {"cytoscape-fcose", "cytoscape-fcose.js"});

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    public Optional<Asset> own(final String name) {
        if (!OWN_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent("web/" + name, path -> read(path, contentType(name)));
    }

    public Optional<Asset> vendor(final String name) {
        final String[] where = VENDOR.get(name);
        if (where == null) {
            return Optional.empty();
        }
        return cache.computeIfAbsent("vendor/" + name, key -> version(where[0]).flatMap(v ->
            read("META-INF/resources/webjars/" + where[0] + "/" + v + "/" + where[1], contentType(name))));
    }

    /** The WebJar's version, from the Maven metadata packed in it, so upgrading the dependency needs no code change. */
    private static Optional<String> version(final String artifact) {
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            final Properties p = new Properties();
            p.load(in);
            return Optional.ofNullable(p.getProperty("version"));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Asset> read(final String path, final String contentType) {
        try (InputStream in = resource(path)) {
            return in == null ? Optional.empty() : Optional.of(new Asset(in.readAllBytes(), contentType));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(final String path) {
        return WebAssets.class.getClassLoader().getResourceAsStream(path);
    }

    private static String contentType(final String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "text/html; charset=utf-8";
    }
}
