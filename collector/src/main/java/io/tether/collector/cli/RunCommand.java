package io.tether.collector.cli;

import io.tether.collector.CollectorConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tether run --host-id H -- CMD ARGS}: runs CMD (and its children) with the probe preloaded, writing into
 * host H's probe channel. Needs no network, so it works inside {@code ip netns exec}. CMD's output passes through
 * unchanged; its exit code becomes ours (128+N when a signal N ended it); SIGINT, SIGTERM, SIGHUP and SIGQUIT sent
 * to us are passed on to it.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command with the Tether probe loaded, feeding host H's collector.")
public final class RunCommand implements Callable<Integer> {
    /** The probe library's file name, as the build produces it. */
    public static final String PROBE_LIBRARY = "libtether-probe.so";
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP", "QUIT");

    @Spec
    CommandSpec spec;

    @Option(names = "--host-id", required = true, paramLabel = "H", description = "The host whose collector gets the events.")
    String hostId;

    @Option(names = "--channel-dir", paramLabel = "DIR", description = "Directory of the probe channels (as given to 'tether collect').")
    Path channelDir;

    @Option(names = "--probe-lib", paramLabel = "PATH",
            description = "The probe library (default: $TETHER_PROBE_LIB, else the one built next to these classes).")
    Path probeLib;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final CollectorConfig defaults = validatedDefaults();
        final Path channel = CollectorConfig.channelFile(channelDir != null ? channelDir : defaults.channelDir(), hostId);
        final Path library = probeLibrary();
        final ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        final Map<String, String> env = builder.environment();
        final String existing = env.get("LD_PRELOAD");
        env.put("LD_PRELOAD", existing == null || existing.isBlank() ? library.toString() : library + ":" + existing);
        env.put("TETHER_CHANNEL", channel.toString());
        if (!Files.exists(channel)) {
            spec.commandLine().getErr().println("tether run: no collector channel at " + channel
                    + " (is 'tether collect --host-id " + hostId + "' running?); the command runs uncaptured");
        }
        final Process process;
        try {
            process = builder.start();
        } catch (final IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cannot run '" + command.get(0) + "': " + e.getMessage());
        }
        for (final String name : FORWARDED) {
            Signal.handle(new Signal(name), signal -> forward(process, name));
        }
        return process.waitFor();
    }

    private CollectorConfig validatedDefaults() {
        try {
            // only the host id matters here; the Kafka settings are not used by 'run'
            return CollectorConfig.of(hostId, "unused:0", "http://unused");
        } catch (final IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Path probeLibrary() {
        Path candidate = probeLib;
        if (candidate == null && System.getenv("TETHER_PROBE_LIB") != null) {
            candidate = Path.of(System.getenv("TETHER_PROBE_LIB"));
        }
        if (candidate == null) {
            candidate = builtProbeLibrary();
        }
        if (candidate == null || !Files.isRegularFile(candidate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "probe library not found"
                    + (candidate == null ? "" : " at " + candidate)
                    + " (build the collector module, or pass --probe-lib / set TETHER_PROBE_LIB)");
        }
        return candidate.toAbsolutePath();
    }

    /** The library the Maven build puts in target/native, next to target/classes (or the jar). */
    public static Path builtProbeLibrary() {
        try {
            final Path codeSource = Path.of(RunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path target = codeSource.getParent();
            return target == null ? null : target.resolve("native").resolve(PROBE_LIBRARY);
        } catch (final Exception e) {
            return null;
        }
    }

    private static void forward(final Process process, final String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (final IOException e) {
            process.destroy();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
