package io.tether.cli;

import io.tether.cli.demo.DemoCommand;
import io.tether.cli.internals.ModuleCommands;
import io.tether.collector.cli.CollectCommand;
import io.tether.collector.cli.RunCommand;
import io.tether.streams.cli.ExportCommand;
import io.tether.streams.cli.PlanCommand;
import io.tether.streams.cli.QueryCommand;
import io.tether.cli.local.LocalCommand;
import io.tether.cli.record.RecordCommand;
import io.tether.cli.record.ReplayCommand;
import io.tether.cli.watch.WatchCommand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code tether}: the one launcher (DESIGN.md §3). Each module owns its sub-commands; this class lists them.
 * Those not yet in this build are stood in for by {@link ModuleCommands}.
 *
 * <p>Error contract: a usage mistake prints ONE line starting with {@code tether: } and then the usage of the
 * command that was mistyped, and exits 2; a runtime failure the user can act on prints one line and exits 1 (or the
 * {@link UserException}'s code). Stack traces only with {@code TETHER_DEBUG=1}.
 */
@Command(name = "tether", mixinStandardHelpOptions = true, versionProvider = TetherCli.Version.class,
        description = "Which programs and files must move together when one program migrates.",
        subcommands = {CommandLine.HelpCommand.class, LocalCommand.class, CollectCommand.class, RunCommand.class, io.tether.collector.cli.TraceCommand.class,
            io.tether.collector.cli.ProbePathCommand.class,
            QueryCommand.class, WatchCommand.class, ExportCommand.class, PlanCommand.class, RecordCommand.class,
            ReplayCommand.class, DemoCommand.class})
public final class TetherCli implements Runnable {
    public static final int USAGE_ERROR = 2;
    /**
     * System property read by logback.xml: the console pattern's exception part, {@code %nopex} (none) unless set
     * before the first logger is made (main does it for {@code TETHER_DEBUG=1}; the broker child process's console
     * is its log file, which keeps them).
     */
    public static final String CONSOLE_EXCEPTIONS = "tether.console.exceptions";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing sub-command");
    }

    public static CommandLine commandLine() {
        final CommandLine cli = new CommandLine(new TetherCli());
        ModuleCommands.register(cli);
        // every sub-command offers -V/--version (mixinStandardHelpOptions) but picocli does not pass the parent's
        // version provider down: without this, 'tether local --version' printed nothing
        final Version version = new Version();
        cli.getSubcommands().values().stream().map(CommandLine::getCommandSpec)
                .filter(sub -> sub.versionProvider() == null && sub.version().length == 0)
                .forEach(sub -> sub.versionProvider(version));
        cli.setParameterExceptionHandler(new OneLineUsageError());
        cli.setExecutionExceptionHandler(new OneLineRuntimeError());
        return cli;
    }

    public static void main(final String[] args) {
        if (debug() && System.getProperty(CONSOLE_EXCEPTIONS) == null) {
            System.setProperty(CONSOLE_EXCEPTIONS, "%ex");
        }
        final int code = commandLine().execute(args);
        System.exit(code);
    }

    private static boolean debug() {
        return "1".equals(System.getenv("TETHER_DEBUG"));
    }

    static final class OneLineUsageError implements IParameterExceptionHandler {
        @Override
        public int handleParseException(final ParameterException ex, final String[] args) {
            final CommandLine cmd = ex.getCommandLine();
            final PrintWriter err = cmd.getErr();
            err.println("tether: " + firstLine(unknownCommand(ex).orElse(ex.getMessage())));
            cmd.usage(err, CommandLine.Help.Ansi.OFF);
            err.flush();
            return USAGE_ERROR;
        }
    }

    /**
     * picocli reports a mistyped sub-command as "Unmatched arguments from index 0: 'qurey', '/x@y'", parser talk that
     * does not say the command is unknown; this names it and offers the closest commands.
     */
    private static java.util.Optional<String> unknownCommand(final ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException unmatched) || ex.getCommandLine().getParent() != null
                || unmatched.getUnmatched().isEmpty() || unmatched.getUnmatched().get(0).startsWith("-")) {
            return java.util.Optional.empty();
        }
        final List<String> suggestions = unmatched.getSuggestions();
        return java.util.Optional.of("unknown command '" + unmatched.getUnmatched().get(0) + "'"
                + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)"));
    }

    static final class OneLineRuntimeError implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(final Exception ex, final CommandLine cmd, final ParseResult parsed) {
            final PrintWriter err = cmd.getErr();
            if (ex instanceof UserException user) {
                err.println("tether: " + firstLine(user.getMessage()));
                if (debug()) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return user.exitCode();
            }
            err.println("tether: " + cmd.getCommandName() + " failed: " + firstLine(String.valueOf(ex))
                    + (debug() ? "" : " (TETHER_DEBUG=1 shows the stack trace)"));
            if (debug()) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        }
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "unknown error";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String v = TetherCli.class.getPackage().getImplementationVersion();
            return new String[] {"tether " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
