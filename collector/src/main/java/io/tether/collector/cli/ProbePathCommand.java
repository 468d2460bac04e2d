package io.tether.collector.cli;

import io.tether.collector.probe.ProbeLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code tether probe-path}: prints the absolute path of the built probe library, for whoever preloads it without
 * {@code tether run} (a service unit's {@code LD_PRELOAD}, a container's shared volume).
 */
@Command(name = "probe-path", mixinStandardHelpOptions = true,
        description = "Print the absolute path of the probe library (libtether-probe.so), e.g. for LD_PRELOAD.",
        footer = {"", "Exit status: 0 printed, 1 the library is not built."})
public final class ProbePathCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            spec.commandLine().getOut().println(ProbeLibrary.require());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (final IllegalStateException e) {
            spec.commandLine().getErr().println("tether probe-path: " + e.getMessage());
            return 1;
        }
    }
}
