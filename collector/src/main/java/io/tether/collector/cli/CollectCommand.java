package io.tether.collector.cli;

import io.tether.collector.Collector;
import io.tether.collector.CollectorConfig;
import io.tether.collector.scan.NetnsScope;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tether collect}: the host collector daemon. Runs until SIGTERM/SIGINT, then stops in order. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Run the host collector: scan /proc, read the probe channel, publish events to Kafka.")
public final class CollectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PublishTarget target;

    @CommandLine.ArgGroup(exclusive = true)
    NetnsChoice netns;

    static final class NetnsChoice {
        @Option(names = "--netns", paramLabel = "NAME",
                description = "Cover only the processes of network namespace NAME (/run/netns/NAME).")
        String name;

        @Option(names = "--all-netns", description = "Cover every process of the machine (events note their namespace).")
        boolean all;
    }

    @Option(names = "--scan-interval", paramLabel = "DUR", converter = DurationConverter.class, defaultValue = "2s",
            description = "Period of the /proc scan, e.g. 500ms, 2s; 0s turns scanning off (default: ${DEFAULT-VALUE}).")
    Duration scanInterval;

    @Option(names = "--channel-dir", paramLabel = "DIR", description = "Directory of the probe channels (<host-id>.ring).")
    Path channelDir;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "Directory of the local spool for Kafka outages.")
    Path spoolDir;

    @Option(names = "--metrics-port", paramLabel = "P", description = "Serve Prometheus /metrics on this port.")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = CollectorConfig.DEFAULT_METRICS_HOST,
            description = "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}; 0.0.0.0 for every "
                    + "interface, to be scraped from another machine).")
    String metricsHost;


    @Override
    public Integer call() throws InterruptedException {
        final CollectorConfig config = config();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Collector collector;
        try {
            collector = Collector.start(config);
        } catch (final RuntimeException e) {
            throw new CommandLine.ExecutionException(spec.commandLine(), "cannot start the collector: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
        }, "tether-collect-shutdown"));
        if (collector.metricsPort() > 0) {
            spec.commandLine().getOut().println("metrics on port " + collector.metricsPort() + " of "
                    + collector.metricsAddress().getAddress().getHostAddress());
            spec.commandLine().getOut().flush();
        }
        stopped.await();
        return 0;
    }

    /** The validated configuration; every problem is a one-line ParameterException. */
    CollectorConfig config() {
        final NetnsScope scope;
        try {
            if (netns != null && netns.name != null) {
                scope = NetnsScope.named(netns.name);
            } else if (netns != null && netns.all) {
                scope = NetnsScope.all();
            } else {
                scope = NetnsScope.own(Path.of("/proc"));
            }
            CollectorConfig config = target.config().withScope(scope)
                    .withScanInterval(scanInterval).withMetricsPort(metricsPort)
                    .withMetricsHost(metricsHost);
            if (channelDir != null) {
                config = config.withChannelDir(channelDir);
            }
            if (spoolDir != null) {
                config = config.withSpoolDir(spoolDir);
            }
            return config;
        } catch (final IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
