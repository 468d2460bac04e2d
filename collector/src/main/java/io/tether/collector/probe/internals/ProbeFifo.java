package io.tether.collector.probe.internals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The collector's end of the probe's FIFO ({@code <ring>.fifo}, see tether_ring.h, "The FIFO"): a named pipe through
 * which a probed process sends its first records with plain system calls, so that a short-lived process never maps
 * the ring. Java cannot make a FIFO, so {@code mkfifo(1)} does; it is opened read-write, which never blocks and keeps
 * a reader on the pipe while this collector lives (probes open it write-only and non-blocking: with no reader they
 * get ENXIO and use the ring). Reads never block either: only what {@link #available()} (FIONREAD) reports is read.
 */
public final class ProbeFifo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeFifo.class);
    /** A FIFO's file type bits in st_mode (S_IFIFO). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private final Path path;
    private final RandomAccessFile file;
    private final FileInputStream in;

    private ProbeFifo(final Path path, final RandomAccessFile file) throws IOException {
        this.path = path;
        this.file = file;
        this.in = new FileInputStream(file.getFD());
    }

    /**
     * Makes a fresh FIFO at {@code path} (whatever was there — the FIFO of a collector that was killed, a stray file —
     * is replaced: bytes in a FIFO nobody holds open are gone anyway) and opens it; null, logged, when the machine
     * cannot make one: probes then send everything through the ring, as they do when no FIFO is there.
     */
    public static ProbeFifo create(final Path path) {
        try {
            Files.deleteIfExists(path);
            final Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0666", path.toString())
                    .redirectErrorStream(true).start();
            final String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0 || !isFifo(path)) {
                mkfifo.destroyForcibly();
                LOG.warn("probe FIFO {}: mkfifo failed ({}): probes send every record through the ring", path, output);
                return null;
            }
            // mkfifo's -m is the mode before the umask on some systems: probes of any user write here
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            return new ProbeFifo(path, new RandomAccessFile(path.toFile(), "rw"));
        } catch (final IOException | RuntimeException e) {
            LOG.warn("probe FIFO {}: cannot create it ({}): probes send every record through the ring", path,
                    e.toString());
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean isFifo(final Path path) throws IOException {
        final Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & S_IFMT) == S_IFIFO;
    }

    public Path path() {
        return path;
    }

    /** Bytes waiting in the pipe (FIONREAD): whole records, since probes write each record in one atomic write. */
    public int available() throws IOException {
        return in.available();
    }

    /** Reads up to {@code len} bytes; call with no more than {@link #available()} reported, so it never blocks. */
    public int read(final byte[] into, final int off, final int len) throws IOException {
        return in.read(into, off, len);
    }

    /**
     * Takes the FIFO away from the probes: new records go to the ring (a probe's open finds no FIFO). Records written
     * by a probe that opened it just before stay readable until {@link #close()}.
     */
    public void unlink() {
        try {
            Files.deleteIfExists(path);
        } catch (final IOException e) {
            LOG.warn("probe FIFO {}: cannot remove it: {}", path, e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            file.close();
        }
    }
}
