package io.tether.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.cli.ClusterOptions;
import io.tether.cli.UserException;
import io.tether.cli.internals.ApiClient;
import io.tether.cli.internals.Converters.PositiveDurationConverter;
import io.tether.cli.local.internals.Ports;
import io.tether.collector.Collector;
import io.tether.collector.CollectorConfig;
import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.collector.scan.NetnsScope;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tether demo}: a small multi-host workload on top of a running {@code tether local} (see
 * {@link DemoWorkload}): three hosts as network namespaces, a collector for each, real programs with the probe
 * loaded; prints each program's migration set and the page URL to look at it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a three-host demo workload against a running 'tether local' and print the migration sets.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:8470",
            description = "The streams app's HTTP API (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--duration", paramLabel = "DURATION", converter = PositiveDurationConverter.class, defaultValue = "2m",
            description = "How long the programs run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--single-host", description = "Do not use network namespaces even where permitted.")
    boolean singleHost;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the programs and their files live (default: a new temporary directory).")
    Path workDir;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "/usr/bin/python3",
            description = "Python 3 interpreter for the demo programs (default: ${DEFAULT-VALUE}).")
    String python;

    private final PrintStream out;

    public DemoCommand() {
        this(System.out);
    }

    DemoCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final ApiClient client = new ApiClient(api);
        if (!client.healthy()) {
            throw new UserException("no healthy Tether API at " + api + "; start 'bin/tether local' first (or pass --api URL)");
        }
        if (!Files.isExecutable(Path.of(python))) {
            throw new UserException("the demo programs need Python 3 at " + python + " (install python3, or pass --python PATH)");
        }
        final Path probe;
        try {
            probe = ProbeLibrary.require();
        } catch (final IllegalStateException e) {
            throw new UserException(e.getMessage(), e);
        }
        final Path work = workDir != null ? Files.createDirectories(workDir.toAbsolutePath())
                : Files.createTempDirectory("tether-demo");
        final int rounds = (int) Math.max(10, duration.toSeconds());
        try (DemoHosts hosts = DemoHosts.create(DemoWorkload.HOST_IDS, singleHost, out)) {
            final InetAddress loopback = InetAddress.getByName("127.0.0.1");
            final int appPort = hosts.singleHost() ? Ports.ephemeral(loopback) : 8080;
            final int kvPort = hosts.singleHost() ? Ports.ephemeral(loopback) : 6379;
            final List<Collector> collectors = new ArrayList<>();
            final Map<String, Map<String, String>> probeEnv = new HashMap<>();
            try {
                for (final DemoHosts.Host host : hosts.distinct()) {
                    final Path channels = Files.createDirectories(work.resolve("channels"));
                    CollectorConfig config = CollectorConfig.of(host.hostId(), cluster.bootstrap(), cluster.registry())
                            .withChannelDir(channels)
                            .withSpoolDir(work.resolve("spool").resolve(host.hostId()));
                    // with namespaces, each collector scans its own host's namespace; on one host the probe alone
                    // reports the demo programs (a scan would pull in everything else running here)
                    config = host.netns() == null ? config.withScanInterval(Duration.ZERO)
                            : config.withScope(NetnsScope.named(host.netns().namespace())).withScanInterval(Duration.ofSeconds(1));
                    collectors.add(Collector.start(config));
                    probeEnv.put(host.hostId(), Map.of("LD_PRELOAD", probe.toString(),
                            ProbeChannel.ENV_CHANNEL, CollectorConfig.channelFile(channels, host.hostId()).toString()));
                }
                out.println("tether demo: starting the programs in " + work + " for " + duration.toSeconds() + " s ...");
                try (DemoWorkload workload = DemoWorkload.start(work, hosts, probeEnv, python, appPort, kvPort, rounds)) {
                    final long deadline = System.nanoTime() + duration.toNanos();
                    final Optional<String> frontend = awaitFrontEndSet(client, hosts, work, deadline);
                    printSets(client, hosts, work);
                    if (frontend.isEmpty()) {
                        out.println("tether demo: the front end's set did not reach the app server, batch job and key-value"
                                + " store within " + duration.toSeconds() + " s; see the logs in " + work);
                    }
                    out.println("tether demo: the programs keep running until " + duration.toSeconds()
                            + " s have passed (Ctrl-C ends the demo now)");
                    workload.awaitEnd(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
                }
            } finally {
                for (final Collector c : collectors) {
                    c.close();
                }
                removeRings(work.resolve("channels"));
            }
        }
        return 0;
    }

    /**
     * The probe rings (16 MB each, one per demo host) are only transport: once the demo's collectors have stopped
     * nothing reads them again, and every demo run left them behind in its work dir.
     */
    private void removeRings(final Path channels) {
        if (!Files.isDirectory(channels)) {
            return;
        }
        try (Stream<Path> files = Files.list(channels)) {
            for (final Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(channels);
        } catch (final IOException e) {
            out.println("tether demo: could not remove the probe rings in " + channels + ": " + e.getMessage());
        }
    }

    /** Polls (bounded by the deadline) until the front end's set holds the three programs it must pull in. */
    private Optional<String> awaitFrontEndSet(final ApiClient client, final DemoHosts hosts, final Path work,
                                              final long deadline)
            throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            final Optional<String> frontend = DemoSets.apOf(client, hosts.host(DemoWorkload.WEB).hostId(), "frontend.py", work);
            if (frontend.isPresent()) {
                final Optional<JsonNode> set = client.migrationSet(frontend.get(), null);
                if (set.isPresent() && DemoSets.containsScripts(set.get(), List.of("appserver.py", "batch.py", "kvstore.py"))) {
                    return frontend;
                }
            }
            Thread.sleep(1000);
        }
        return Optional.empty();
    }

    private void printSets(final ApiClient client, final DemoHosts hosts, final Path work) throws IOException {
        out.println();
        for (final DemoWorkload.Program program : DemoWorkload.PROGRAMS) {
            final String hostId = hosts.host(program.host()).hostId();
            final Optional<String> ap = DemoSets.apOf(client, hostId, program.script(), work);
            if (ap.isEmpty()) {
                out.println(program.script() + "@" + hostId + ": not seen yet");
                continue;
            }
            final Optional<JsonNode> set = client.migrationSet(ap.get(), null);
            out.println(ap.get());
            if (set.isEmpty()) {
                out.println("  (no set yet)");
                continue;
            }
            out.println(DemoSets.describe(set.get(), ap.get()));
            out.println("  page: " + client.pageUrl(ap.get()));
        }
        out.println();
    }
}
