package io.tether.collector.trace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One command run under strace: {@code strace -f} writes its trace into a FIFO that a reader thread turns into events
 * (through {@link StraceParser} and {@link StraceTranslator}) while the command runs. The command keeps our
 * stdin/stdout/stderr, so its output passes through untouched and never mixes with the trace. A FIFO rather than a
 * file: a reader that falls behind makes strace (and so the tracee) wait instead of running ahead, which keeps
 * /proc readable for the processes the reader is looking at.
 */
public final class TraceSession {
    private static final Logger LOG = LoggerFactory.getLogger(TraceSession.class);

    /**
     * The calls the events need (exit status comes from strace's "+++ exited" lines, not from exit_group); close
     * only for the client address of a connect whose socket was gone from /proc before the reader looked.
     */
    public static final List<String> SYSCALLS = List.of("execve", "execveat", "fork", "vfork", "clone", "clone3",
            "open", "openat", "openat2", "creat", "chdir", "fchdir", "connect", "accept", "accept4", "close");

    private final Process strace;
    private final Thread reader;
    private final Path fifoDir;
    private final Path fifo;
    private final StraceParser parser;
    private volatile long failedRecords;
    private volatile boolean opened;

    private TraceSession(final Process strace, final Path fifoDir, final Path fifo, final StraceParser parser,
                         final StraceTranslator translator) {
        this.strace = strace;
        this.fifoDir = fifoDir;
        this.fifo = fifo;
        this.parser = parser;
        this.reader = new Thread(() -> read(translator), "tether-trace-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** strace on the PATH, if installed. */
    public static Optional<Path> findStrace(final String pathVariable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (final String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            final Path candidate = Path.of(dir, "strace");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The strace command line. {@code --seccomp-bpf} stops the tracee only at the traced calls (not at every call);
     * {@code -yy} decorates fds with paths and socket endpoints, {@code -X verbose} prints flags as numbers with
     * their names, {@code -ttt} times every line.
     */
    public static List<String> straceCommand(final Path strace, final Path output, final List<String> command) {
        final List<String> args = new ArrayList<>(List.of(strace.toString(), "-f", "-q", "--seccomp-bpf", "-ttt",
                "-yy", "-X", "verbose", "-s", "4096", "-e", "signal=none", "-e", "trace=" + String.join(",", SYSCALLS)));
        args.addAll(List.of("-o", output.toString(), "--"));
        args.addAll(command);
        return args;
    }

    /** Starts strace on {@code command} and the reader that feeds {@code translator}. */
    public static TraceSession start(final Path strace, final List<String> command, final StraceTranslator translator)
            throws IOException, InterruptedException {
        final Path dir = Files.createTempDirectory("tether-trace");
        final Path fifo = dir.resolve("strace.fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString())
                .redirectErrorStream(true).start();
        final String mkfifoOutput = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (mkfifo.waitFor() != 0) {
            Files.deleteIfExists(dir);
            throw new IOException("cannot create the trace pipe " + fifo + ": " + mkfifoOutput);
        }
        final Process process;
        try {
            process = new ProcessBuilder(straceCommand(strace, fifo, command)).inheritIO().start();
        } catch (final IOException e) {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
            throw e;
        }
        return new TraceSession(process, dir, fifo, new StraceParser(), translator);
    }

    private void read(final StraceTranslator translator) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(fifo),
                StandardCharsets.UTF_8), 1 << 16)) {
            opened = true;
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    parser.parse(line).ifPresent(translator::accept);
                } catch (final RuntimeException e) {
                    // keep draining whatever happens: a reader that stops would leave strace, and the command, blocked
                    failedRecords++;
                    LOG.warn("trace: cannot publish '{}': {}", line, e.toString());
                }
            }
            translator.finish();
        } catch (final IOException | RuntimeException e) {
            LOG.warn("trace: reading strace's output failed: {}", e.toString());
        }
    }

    /** Waits for the command (and strace) to end and for every line to be read; returns the command's exit code. */
    public int waitFor() throws InterruptedException {
        final int code = strace.waitFor();
        if (reader.isAlive()) {
            unblockReader();
        }
        reader.join();
        try {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(fifoDir);
        } catch (final IOException e) {
            LOG.debug("trace: cannot remove {}: {}", fifoDir, e.toString());
        }
        return code;
    }

    /**
     * If strace ended without ever opening the pipe (it could not start the command), the reader still waits in
     * open(2): opening the pipe read-write (which never blocks on Linux) releases it, and closing it gives it
     * end-of-file.
     */
    private void unblockReader() {
        try {
            reader.join(200);
            if (!opened) {
                new java.io.RandomAccessFile(fifo.toFile(), "rw").close();
            }
        } catch (final IOException e) {
            LOG.debug("trace: cannot release the reader: {}", e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The strace process (its child is the traced command). */
    public Process strace() {
        return strace;
    }

    /** The traced command's process (strace's child), if it is running. */
    public Optional<ProcessHandle> command() {
        return strace.children().findFirst();
    }

    public StraceParser parser() {
        return parser;
    }

    /** Records the sink refused (e.g. the publisher stopped): logged, counted, never fatal to the command. */
    public long failedRecords() {
        return failedRecords;
    }
}
