package io.tether.collector.internals;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The collector's optional {@code /metrics} (Prometheus text) and {@code /health} endpoint. The JDK's own HTTP
 * server is enough for two read-only paths and keeps the collector daemon small (no web framework in it).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;

    private MetricsEndpoint(final HttpServer server) {
        this.server = server;
    }

    /**
     * @param host the address to bind (a name is resolved once, here); the caller's default is loopback
     * @param port 0 for an ephemeral port
     */
    public static MetricsEndpoint start(final String host, final int port, final PrometheusMeterRegistry registry)
            throws IOException {
        final InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("unknown host '" + host + "'");
        }
        final HttpServer server = HttpServer.create(address, 0);
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/", exchange -> respond(exchange, 404, "application/json",
                "{\"error\":\"not found: try /metrics or /health\"}"));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "tether-collector-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new MetricsEndpoint(server);
    }

    /** The address the endpoint listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(final HttpExchange exchange, final int status, final String type, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (!"GET".equals(exchange.getRequestMethod())) {
            final byte[] error = "{\"error\":\"only GET is supported\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(405, error.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(error);
            }
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
