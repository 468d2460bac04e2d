package io.tether.collector;

import io.tether.collector.publish.PublisherConfig;
import io.tether.collector.scan.NetnsScope;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link Collector} needs. Build one with {@link #of(String, String, String)} and the {@code with…}
 * methods; the constructor validates, with messages a user can act on.
 *
 * @param hostId           the host id events carry (and the probe channel's name)
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl      Confluent-compatible schema registry ({@code http://host:port})
 * @param scope            which processes to cover, by network namespace
 * @param scanInterval     period of the /proc scanner; zero turns the scanner off
 * @param channelDir       directory of the probe channels ({@code <hostId>.ring}); null turns the probe channel off
 * @param spoolDir         the local spool of this host
 * @param metricsPort      port of the Prometheus endpoint; null for none, 0 for an ephemeral port
 * @param metricsHost      address the Prometheus endpoint binds to: loopback unless asked otherwise (the counters
 *                         tell who runs what on the host, so they are not offered to the network by default)
 * @param producerConfigs  extra Kafka producer settings
 * @param coalesceWindow   window in which identical opens are folded into one event
 * @param logInterval      period of the counters log line
 * @param spoolMaxBytes    bound of the spool
 */
public record CollectorConfig(String hostId, String bootstrapServers, String registryUrl, NetnsScope scope,
                              Duration scanInterval, Path channelDir, Path spoolDir, Integer metricsPort,
                              String metricsHost, Map<String, Object> producerConfigs, Duration coalesceWindow, Duration logInterval,
                              long spoolMaxBytes) {
    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(2);
    public static final Duration MIN_SCAN_INTERVAL = Duration.ofMillis(100);
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

    public CollectorConfig {
        if (hostId == null || hostId.isBlank()) {
            throw new IllegalArgumentException("a host id is required (--host-id)");
        }
        if (hostId.indexOf('@') >= 0 || hostId.indexOf('|') >= 0 || hostId.indexOf('/') >= 0
                || !hostId.strip().equals(hostId)) {
            throw new IllegalArgumentException("host id '" + hostId + "' must not contain '@', '|', '/' or surrounding blanks");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required (--bootstrap host:port)");
        }
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("a schema registry URL is required (--registry http://host:port)");
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(scanInterval, "scanInterval");
        if (scanInterval.isNegative() || !scanInterval.isZero() && scanInterval.compareTo(MIN_SCAN_INTERVAL) < 0) {
            throw new IllegalArgumentException("scan interval must be 0 (off) or at least " + MIN_SCAN_INTERVAL.toMillis()
                    + " ms, got " + scanInterval.toMillis() + " ms");
        }
        Objects.requireNonNull(spoolDir, "spoolDir");
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new IllegalArgumentException("metrics port must be 0..65535, got " + metricsPort);
        }
        if (metricsHost == null || metricsHost.isBlank() || !metricsHost.strip().equals(metricsHost)) {
            throw new IllegalArgumentException("metrics host must be an address or host name to bind to (e.g. "
                    + DEFAULT_METRICS_HOST + ", or 0.0.0.0 for every interface), got '" + metricsHost + "'");
        }
        producerConfigs = Map.copyOf(producerConfigs);
        Objects.requireNonNull(coalesceWindow, "coalesceWindow");
        Objects.requireNonNull(logInterval, "logInterval");
    }

    /** A collector of its own network namespace with default settings. */
    public static CollectorConfig of(final String hostId, final String bootstrapServers, final String registryUrl) {
        final Path base = Path.of(System.getProperty("java.io.tmpdir"), "tether");
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, NetnsScope.own(Path.of("/proc")),
                DEFAULT_SCAN_INTERVAL, defaultChannelDir(base), base.resolve("spool").resolve(hostId == null ? "" : hostId),
                null, DEFAULT_METRICS_HOST, Map.of(), PublisherConfig.DEFAULT_COALESCE_WINDOW, PublisherConfig.DEFAULT_LOG_INTERVAL,
                PublisherConfig.DEFAULT_SPOOL_MAX_BYTES);
    }

    /**
     * Rings belong on tmpfs: every first write to a page of a file-backed shared mapping on a disk file system goes
     * through the file system (page_mkwrite, writeback), which bench/reports/probe.md measured as a cost at every
     * probed process start. /dev/shm is tmpfs on Linux; fall back to the temp dir where it is absent.
     */
    static Path defaultChannelDir(final Path fallbackBase) {
        final Path shm = Path.of("/dev/shm");
        return java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm)
                ? shm.resolve("tether").resolve("channels")
                : fallbackBase.resolve("channels");
    }

    /** The ring file the probes of host {@code hostId} write to, inside {@code channelDir}. */
    public static Path channelFile(final Path channelDir, final String hostId) {
        return channelDir.resolve(hostId + ".ring");
    }

    public CollectorConfig withScope(final NetnsScope value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, value, scanInterval, channelDir, spoolDir,
                metricsPort, metricsHost, producerConfigs, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withScanInterval(final Duration value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, value, channelDir, spoolDir,
                metricsPort, metricsHost, producerConfigs, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withChannelDir(final Path value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, value, spoolDir,
                metricsPort, metricsHost, producerConfigs, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withSpoolDir(final Path value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, value,
                metricsPort, metricsHost, producerConfigs, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withMetricsPort(final Integer value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, spoolDir,
                value, metricsHost, producerConfigs, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withMetricsHost(final String value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, spoolDir,
                metricsPort, value, producerConfigs, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withProducerConfigs(final Map<String, Object> value) {
        final Map<String, Object> merged = new HashMap<>(producerConfigs);
        merged.putAll(value);
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, spoolDir,
                metricsPort, metricsHost, merged, coalesceWindow, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withCoalesceWindow(final Duration value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, spoolDir,
                metricsPort, metricsHost, producerConfigs, value, logInterval, spoolMaxBytes);
    }

    public CollectorConfig withLogInterval(final Duration value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, spoolDir,
                metricsPort, metricsHost, producerConfigs, coalesceWindow, value, spoolMaxBytes);
    }

    public CollectorConfig withSpoolMaxBytes(final long value) {
        return new CollectorConfig(hostId, bootstrapServers, registryUrl, scope, scanInterval, channelDir, spoolDir,
                metricsPort, metricsHost, producerConfigs, coalesceWindow, logInterval, value);
    }
}
