package io.tether.collector.cli;

import io.tether.collector.Collector;
import io.tether.collector.CollectorConfig;
import io.tether.collector.probe.ProcessStartTime;
import io.tether.collector.trace.StraceTranslator;
import io.tether.collector.trace.TraceSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tether trace --host-id H --bootstrap B --registry R -- CMD ARGS}: runs CMD (and its children) under
 * {@code strace -f} and publishes what they do as the probe's events with source STRACE, through the collector's
 * publisher (spool, sequence numbers, coalescing). For one command where neither the probe (static binaries, raw
 * syscalls) nor the /proc scanner (too coarse) fits. CMD's output and exit code pass through; SIGINT, SIGTERM and
 * SIGHUP sent to us go to CMD.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Run a command under strace and publish what it and its children do (exec, fork, exit, open, "
                + "connect, accept) to Kafka.")
public final class TraceCommand implements Callable<Integer> {
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Mixin
    PublishTarget target;

    @Option(names = "--netns-note", description = "Note each process's network namespace (inode) in the events, "
            + "e.g. when CMD is 'ip netns exec NAME ...' and loopback addresses must be told apart.")
    boolean netnsNote;

    @Option(names = "--include-pseudo-files", description = "Also report opens under /proc, /sys and /dev.")
    boolean includePseudoFiles;

    @Option(names = "--spool-dir", paramLabel = "DIR",
            description = "Local spool for Kafka outages (default: a trace spool of host H in the temp directory).")
    Path spoolDir;


    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final CollectorConfig config = config();
        final PrintWriter err = spec.commandLine().getErr();
        final Path strace = TraceSession.findStrace(System.getenv("PATH")).orElse(null);
        if (strace == null) {
            err.println("tether trace: strace is not installed (e.g. apt-get install strace); "
                    + "'tether run' (the probe) needs no strace");
            err.flush();
            return 1;
        }
        final Optional<CommandLookup.Failure> missing = CommandLookup.check(command.get(0), System.getenv("PATH"));
        if (missing.isPresent()) {
            // like a shell (and like 'tether run'): 127 for no such command, 126 for one that cannot be executed
            return missing.get().report(err, "tether trace");
        }
        final Collector collector;
        try {
            collector = Collector.start(config);
        } catch (final RuntimeException e) {
            throw new CommandLine.ExecutionException(spec.commandLine(), "cannot start publishing: " + e.getMessage(), e);
        }
        try {
            final StraceTranslator translator = new StraceTranslator(target.hostId(), collector.publisher(), Path.of("/proc"),
                    ProcessStartTime.ofThisBoot(), netnsNote, includePseudoFiles);
            final TraceSession session = TraceSession.start(strace, command, translator);
            for (final String name : FORWARDED) {
                Signal.handle(new Signal(name), signal -> forward(session, name));
            }
            final int code = session.waitFor();
            report(err, translator, session, collector);
            return code;
        } finally {
            collector.close();
        }
    }

    /** Says what the events may lack, and where undelivered events wait; silent when everything went through. */
    private void report(final PrintWriter err, final StraceTranslator translator, final TraceSession session,
                        final Collector collector) throws InterruptedException {
        if (!collector.awaitDelivered(DELIVERY_WAIT)) {
            err.println("tether trace: Kafka has not acknowledged every event yet; the rest stay in "
                    + collector.config().spoolDir() + " and the next 'tether trace --host-id " + target.hostId()
                    + "' with this spool sends them");
        }
        if (session.parser().unreadable() > 0 || session.parser().orphanHalves() > 0 || session.failedRecords() > 0) {
            err.println("tether trace: " + session.parser().unreadable() + " unreadable strace lines, "
                    + session.parser().orphanHalves() + " split calls without their other half, "
                    + session.failedRecords() + " events not handed to the publisher");
        }
        if (translator.connectsWithoutLocalAddress() > 0) {
            err.println("tether trace: " + translator.connectsWithoutLocalAddress() + " connects published without the "
                    + "client's own address (socket gone from /proc and never closed by a close(2))");
        }
        err.flush();
    }

    private CollectorConfig config() {
        try {
            final CollectorConfig base = target.config();
            // no /proc scanner, no probe channel: this collector only publishes what strace shows
            return base.withScanInterval(Duration.ZERO).withChannelDir(null)
                    .withSpoolDir(spoolDir != null ? spoolDir
                        : base.spoolDir().resolveSibling(target.hostId() + ".trace"));
        } catch (final IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static void forward(final TraceSession session, final String signal) {
        final long pid = session.command().map(ProcessHandle::pid).orElse(session.strace().pid());
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (final IOException e) {
            session.strace().destroy();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
