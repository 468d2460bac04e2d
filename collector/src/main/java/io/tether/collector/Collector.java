package io.tether.collector;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.collector.internals.MetricsEndpoint;
import io.tether.collector.publish.CollectorMetrics;
import io.tether.collector.publish.KafkaEventPublisher;
import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.publish.PublisherConfig;
import io.tether.collector.publish.RegistrySchemaIds;
import io.tether.collector.publish.SchemaIds;
import io.tether.collector.scan.ProcScanner;
import io.tether.collector.scan.ScanResult;
import io.tether.schemas.topic.EventType;
import io.tether.schemas.topic.TetherTopics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A host collector: the /proc scanner (periodic), the probe channel reader and the Kafka publisher of one host,
 * with its counters. {@code tether collect} runs one; {@code tether local} embeds one:
 *
 * <pre>
 * try (Collector collector = Collector.start(CollectorConfig.of("web-1", bootstrap, registryUrl))) {
 *     ...
 * }
 * </pre>
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CollectorConfig config;
    private final String collectorRun;
    private final CollectorMetrics metrics = new CollectorMetrics();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaEventPublisher publisher;
    private final ProcScanner scanner;
    private final ScheduledExecutorService scans;
    private final MetricsEndpoint endpoint;
    private final ProbeChannel channel;
    private final AutoCloseable schemaIdsResource;
    private volatile ScanResult lastScan;

    private Collector(final CollectorConfig config, final SchemaIds schemaIds) {
        this.config = config;
        this.collectorRun = newRunId();
        this.schemaIdsResource = schemaIds instanceof AutoCloseable closeable ? closeable : null;
        metrics.bindTo(registry, config.hostId());
        final PublisherConfig publisherConfig = new PublisherConfig(config.hostId(), collectorRun,
                withBootstrap(config), topicNames(config), config.spoolDir(), config.spoolMaxBytes(),
                config.coalesceWindow(), PublisherConfig.DEFAULT_QUEUE_CAPACITY, config.logInterval());
        this.publisher = KafkaEventPublisher.start(publisherConfig, schemaIds, metrics);
        if (publisher.recoveredFromSpool() > 0) {
            LOG.info("collector {}: resending {} events a previous run left in {}", config.hostId(),
                    publisher.recoveredFromSpool(), config.spoolDir());
        }
        try {
            this.endpoint = config.metricsPort() == null ? null
                    : MetricsEndpoint.start(config.metricsHost(), config.metricsPort(), registry);
        } catch (final IOException e) {
            publisher.close();
            throw new UncheckedIOException("cannot serve metrics on " + config.metricsHost() + " port "
                    + config.metricsPort() + ": " + e.getMessage(), e);
        }
        try {
            this.channel = config.channelDir() == null ? null
                    : ProbeChannel.create(CollectorConfig.channelFile(config.channelDir(), config.hostId()), config.hostId());
        } catch (final IOException | RuntimeException e) {
            closeQuietly(endpoint);
            publisher.close();
            throw new IllegalStateException("cannot open the probe channel in " + config.channelDir() + ": " + e.getMessage(), e);
        }
        if (channel != null) {
            metrics.droppedByProbe(() -> channel.counters().droppedByProbe());
            metrics.probeFreedUnkept(() -> channel.counters().freedUnkept());
            channel.skipKept(publisher.recoveredProbeRecords());
            // the publisher reports which probe records it spooled: only those slots are freed, so a collector
            // killed hard leaves the rest in the ring for the next one (DurableEventSink)
            channel.start(publisher);
        }
        if (config.scanInterval().isZero()) {
            this.scanner = null;
            this.scans = null;
        } else {
            this.scanner = new ProcScanner(config.hostId(), Path.of("/proc"), config.scope(), false, Clock.systemUTC());
            metrics.procUnreadable(scanner::unreadableTotal);
            this.scans = Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread t = new Thread(r, "tether-procscan-" + config.hostId());
                t.setDaemon(true);
                return t;
            });
            scans.scheduleWithFixedDelay(this::scanOnce, 0, config.scanInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("collector {} run {} started: {}, {}, probe channel {}, spool {}", config.hostId(), collectorRun,
                config.scope(), config.scanInterval().isZero() ? "/proc scanner off"
                        : "/proc scan every " + config.scanInterval().toMillis() + " ms",
                channel == null ? "off" : channel.path(), config.spoolDir());
    }

    /**
     * Starts a collector: opens the spool (resending what a previous run left), the probe channel and the scanner.
     * Kafka and the registry need not be reachable yet: events wait in the spool until they are.
     */
    public static Collector start(final CollectorConfig config) {
        return new Collector(config, RegistrySchemaIds.forUrl(config.registryUrl()));
    }

    /** Starts a collector that obtains schema ids from {@code schemaIds} (e.g. a registry client shared when embedded). */
    public static Collector start(final CollectorConfig config, final SchemaIds schemaIds) {
        return new Collector(config, schemaIds);
    }

    /** Topic per default topic name, from the shared topic descriptors ({@code tether.topic.*} overrides). */
    private static Map<String, String> topicNames(final CollectorConfig config) {
        final Map<String, Object> serdeConfigs = new HashMap<>(config.producerConfigs());
        serdeConfigs.put("schema.registry.url", config.registryUrl());
        final Map<String, String> names = new HashMap<>();
        try (TetherTopics topics = TetherTopics.create(serdeConfigs)) {
            for (final EventType type : EventType.values()) {
                names.put(type.defaultTopic(), topics.forEvent(type).name());
            }
        }
        return names;
    }

    private static Map<String, Object> withBootstrap(final CollectorConfig config) {
        final Map<String, Object> producer = new HashMap<>(config.producerConfigs());
        producer.keySet().removeIf(key -> key.startsWith(TetherTopics.TOPIC_CONFIG_PREFIX));
        producer.put("bootstrap.servers", config.bootstrapServers());
        return producer;
    }

    private static String newRunId() {
        return Long.toString(System.currentTimeMillis(), 36) + "-" + String.format(Locale.ROOT, "%06x", RANDOM.nextInt(1 << 24));
    }

    private void scanOnce() {
        try {
            lastScan = scanner.scan(publisher);
        } catch (final RuntimeException e) {
            // one bad pass (e.g. /proc unreadable for a moment) must not end the daemon
            LOG.warn("collector {}: /proc scan failed: {}", config.hostId(), e.toString());
        }
    }

    public String collectorRun() {
        return collectorRun;
    }

    public CollectorConfig config() {
        return config;
    }

    public CollectorMetrics metrics() {
        return metrics;
    }

    /** The address the metrics endpoint is bound to, or null without an endpoint. */
    public InetSocketAddress metricsAddress() {
        return endpoint == null ? null : endpoint.address();
    }

    /** The bound metrics port, or -1 without an endpoint. */
    public int metricsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /** Result of the latest /proc pass (null before the first, or without the scanner). */
    public ScanResult lastScan() {
        return lastScan;
    }

    /** The sink capture sources hand events to (for sources started outside the collector, e.g. strace mode). */
    public KafkaEventPublisher publisher() {
        return publisher;
    }

    /** Waits until everything captured so far has been acknowledged by Kafka; false on timeout. */
    public boolean awaitDelivered(final Duration timeout) throws InterruptedException {
        return publisher.awaitDelivered(timeout);
    }

    /** Stops capturing, sends what Kafka takes within a few seconds and keeps the rest in the spool. */
    @Override
    public void close() {
        if (scans != null) {
            scans.shutdown();
            try {
                scans.awaitTermination(10, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (channel != null) {
            channel.close(); // delivers every committed record to the publisher first
        }
        publisher.close();
        closeQuietly(endpoint);
        closeQuietly(schemaIdsResource);
        registry.close();
    }

    private static void closeQuietly(final AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (final Exception e) {
            LOG.warn("closing {}: {}", resource, e.toString());
        }
    }
}
