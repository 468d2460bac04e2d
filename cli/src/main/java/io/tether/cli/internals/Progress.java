package io.tether.cli.internals;

import java.io.PrintStream;

/**
 * A progress line for long operations: rewritten in place on a terminal, one line every few seconds otherwise
 * (so logs of CI runs stay readable).
 */
public final class Progress {
    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintStream out;
    private final String what;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private long lastPrinted;
    private long last;

    public Progress(final PrintStream out, final String what) {
        this.out = out;
        this.what = what;
    }

    public void update(final long count) {
        last = count;
        final long now = System.nanoTime();
        if (now - lastPrinted < INTERVAL_NANOS) {
            return;
        }
        lastPrinted = now;
        final String line = line(count, now);
        if (terminal) {
            out.print("\r\033[K" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    public void done() {
        if (terminal && lastPrinted != 0) {
            out.print("\r\033[K");
        }
        out.flush();
    }

    private String line(final long count, final long now) {
        final double seconds = Math.max(1e-3, (now - started) / 1e9);
        return String.format("tether: %s ... %,d events (%,.0f/s)", what, count, count / seconds);
    }

    public long last() {
        return last;
    }
}
