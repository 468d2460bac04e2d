package io.tether.collector.support;

import io.tether.collector.cli.CollectCommand;
import io.tether.collector.cli.RunCommand;
import picocli.CommandLine;

/**
 * Runs {@code collect} or {@code run} in a JVM of its own, so tests can kill a collector like an operator would.
 * (The product's launcher is module cli's {@code tether}; this test entry point avoids depending on it.)
 */
public final class CollectMain {
    private CollectMain() {
    }

    public static void main(final String[] args) {
        final CommandLine cli = new CommandLine(CommandLine.Model.CommandSpec.create().name("tether"))
                .addSubcommand("collect", new CollectCommand())
                .addSubcommand("run", new RunCommand());
        System.exit(cli.execute(args));
    }
}
