package io.tether.collector.cli;

import io.tether.collector.CollectorConfig;
import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
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
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tether run --host-id H -- CMD ARGS}: runs CMD (and its children) with the probe preloaded, writing into
 * host H's probe channel. Needs no network, so it works inside {@code ip netns exec}. CMD's output passes through
 * unchanged; its exit code becomes ours (128+N when a signal N ended it; like a shell, 127 when there is no such
 * command and 126 when it cannot be executed); SIGINT, SIGTERM and SIGHUP sent to us are passed on to it (SIGQUIT
 * stays the JVM's thread dump).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command with the Tether probe loaded, feeding host H's collector.")
public final class RunCommand implements Callable<Integer> {
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");

    @Spec
    CommandSpec spec;

    @Option(names = "--host-id", required = true, paramLabel = "H", description = "The host whose collector gets the events.")
    String hostId;

    @Option(names = "--channel-dir", paramLabel = "DIR", description = "Directory of the probe channels (as given to 'tether collect').")
    Path channelDir;

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
        env.put(ProbeChannel.ENV_CHANNEL, channel.toString());
        final Optional<CommandLookup.Failure> missing = CommandLookup.check(command.get(0), env.get("PATH"));
        if (missing.isPresent()) {
            return missing.get().report(spec.commandLine().getErr(), "tether run");
        }
        if (!Files.exists(channel)) {
            spec.commandLine().getErr().println("tether run: no collector channel at " + channel
                    + " (is 'tether collect --host-id " + hostId + "' running?); the command runs uncaptured");
        }
        final Process process;
        try {
            process = builder.start();
        } catch (final IOException e) {
            // found and executable, yet exec refused it (e.g. not a binary of this machine)
            return new CommandLookup.Failure(CommandLookup.NOT_EXECUTABLE, "'" + command.get(0) + "': "
                    + e.getMessage()).report(spec.commandLine().getErr(), "tether run");
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
        try {
            return ProbeLibrary.require();
        } catch (final IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
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
