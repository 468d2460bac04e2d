package io.tether.collector.internals;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.collector.CollectorConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the collector's metrics endpoint listens: loopback unless told otherwise. */
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static int health(final String host, final int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theDefaultHostIsLoopbackAndServesThere() throws Exception {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final CollectorConfig config = CollectorConfig.of("h1", "b:9092", "http://r:8081").withMetricsPort(0);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(config.metricsHost(), 0, registry)) {
            assertTrue(endpoint.address().getAddress().isLoopbackAddress(), "bound to " + endpoint.address());
            assertEquals(200, health("127.0.0.1", endpoint.port()));
        }
    }

    @Test
    void everyInterfaceOnlyWhenAskedFor() throws Exception {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("0.0.0.0", 0, registry)) {
            assertTrue(endpoint.address().getAddress().isAnyLocalAddress(), "bound to " + endpoint.address());
            assertEquals(200, health("127.0.0.1", endpoint.port()));
        }
    }

    @Test
    void aHostThatIsNotAnAddressOfThisMachineIsAnErrorNotAWiderBind() {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // 198.18.0.0/15 is for benchmarks and tests, never assigned in the root namespace here: bind fails
        assertThrows(IOException.class, () -> MetricsEndpoint.start("198.18.255.254", 0, registry).close());
    }
}
