package io.tether.collector.trace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the lines of {@code strace -f -ttt -yy -X verbose -o FILE} into {@link StraceRecord}s. When several tasks run,
 * strace prints a call that blocks in two halves, {@code name(args <unfinished ...>} and later
 * {@code <... name resumed>rest) = result}, with other tasks' lines in between: the first half is kept per task and
 * joined with the second. Lines it cannot read (cut, unknown shape, a resumed half without its start) are counted and
 * skipped, never thrown: strace's output is not a contract and one odd line must not end a trace.
 * Not thread-safe: one reader thread feeds it.
 */
public final class StraceParser {
    private static final Pattern PREFIX = Pattern.compile("^(\\d+)\\s+(\\d+)\\.(\\d{1,9})\\s+(.*)$");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. ([a-z0-9_]+) resumed>(.*)$");
    private static final Pattern EXITED = Pattern.compile("^\\+\\+\\+ exited with (-?\\d+) \\+\\+\\+$");
    private static final Pattern KILLED = Pattern.compile("^\\+\\+\\+ killed by (SIG[A-Z0-9+-]+)( \\(core dumped\\))? \\+\\+\\+$");
    private static final Pattern NAME = Pattern.compile("^([a-z0-9_]+)\\(");
    private static final String UNFINISHED = "<unfinished ...>";

    private final Map<Integer, String> unfinished = new HashMap<>();
    private long lines;
    private long unreadable;
    private long orphanResumed;

    /** The record a line completes, or empty (first half of a split call, a signal or notice line, an unreadable line). */
    public Optional<StraceRecord> parse(final String line) {
        lines++;
        final Matcher m = PREFIX.matcher(line);
        if (!m.matches()) {
            unreadable++;
            return Optional.empty();
        }
        final int tid;
        final long time;
        try {
            tid = Integer.parseInt(m.group(1));
            time = Long.parseLong(m.group(2)) * 1_000_000L + fractionMicros(m.group(3));
        } catch (final NumberFormatException e) {
            unreadable++;
            return Optional.empty();
        }
        final String rest = m.group(4).strip();
        if (rest.startsWith("+++ ")) {
            unfinished.remove(tid); // a call cut off by the task's end never resumes
            return taskEnd(tid, time, rest);
        }
        if (rest.startsWith("--- ")) {
            return Optional.empty(); // a signal delivery: not an event of ours
        }
        final Matcher resumed = RESUMED.matcher(rest);
        if (resumed.matches()) {
            final String start = unfinished.remove(tid);
            if (start == null || !start.startsWith(resumed.group(1) + "(")) {
                orphanResumed++;
                return Optional.empty();
            }
            return call(tid, time, start + resumed.group(2));
        }
        if (rest.endsWith(UNFINISHED)) {
            final String start = rest.substring(0, rest.length() - UNFINISHED.length());
            if (unfinished.put(tid, start) != null) {
                orphanResumed++; // the previous first half never got its second: count it as lost
            }
            return Optional.empty();
        }
        return call(tid, time, rest);
    }

    private Optional<StraceRecord> taskEnd(final int tid, final long time, final String rest) {
        final Matcher exited = EXITED.matcher(rest);
        if (exited.matches()) {
            return Optional.of(new StraceRecord.TaskEnd(tid, time, Integer.parseInt(exited.group(1)) & 0xff, null));
        }
        final Matcher killed = KILLED.matcher(rest);
        if (killed.matches()) {
            return Optional.of(new StraceRecord.TaskEnd(tid, time, null, killed.group(1)));
        }
        return Optional.empty(); // e.g. "+++ superseded by execve in pid N +++": the execve line says what matters
    }

    /**
     * A complete call. Its time is the line's: strace -ttt stamps a line when it starts printing it, i.e. at the call's
     * entry, and a resumed half at the call's return; for a blocking accept or connect the return is the moment the
     * connection exists, so the resumed half's time is the one to keep.
     */
    private Optional<StraceRecord> call(final int tid, final long time, final String text) {
        final Matcher name = NAME.matcher(text);
        if (!name.find()) {
            unreadable++;
            return Optional.empty();
        }
        final String body = text.substring(name.end());
        final int[] after = new int[1];
        final List<String> args = StraceSyntax.arguments(body, after);
        if (args == null) {
            unreadable++;
            return Optional.empty();
        }
        final String tail = body.substring(after[0]).strip();
        if (!tail.startsWith("=")) {
            unreadable++;
            return Optional.empty();
        }
        return Optional.of(new StraceRecord.Syscall(tid, time, name.group(1), args, tail.substring(1).strip()));
    }

    private static long fractionMicros(final String digits) {
        final String six = (digits + "000000").substring(0, 6);
        return Long.parseLong(six);
    }

    /** Lines read so far. */
    public long lines() {
        return lines;
    }

    /** Lines that were not strace output of a known shape. */
    public long unreadable() {
        return unreadable;
    }

    /** Halves of split calls that never found their other half. */
    public long orphanHalves() {
        return orphanResumed;
    }

    /** Calls still waiting for their second half (e.g. a blocking accept when the trace ended). */
    public int pendingHalves() {
        return unfinished.size();
    }
}
