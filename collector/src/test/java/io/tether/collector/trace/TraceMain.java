package io.tether.collector.trace;

import io.tether.collector.cli.TraceCommand;
import picocli.CommandLine;

/** {@code tether trace} in a JVM of its own, so tests see its stdout, stderr and exit code as a user would. */
public final class TraceMain {
    private TraceMain() {
    }

    public static void main(final String[] args) {
        System.exit(new CommandLine(new TraceCommand()).execute(args));
    }
}
