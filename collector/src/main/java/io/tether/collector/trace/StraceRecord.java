package io.tether.collector.trace;

import java.util.List;

/**
 * One complete item of strace's output (after {@code <unfinished ...>} / {@code resumed>} halves were joined): a
 * system call with its arguments and result, or the end of a task. {@code tid} is the task strace names at the
 * start of the line, a thread id for threads of a multi-threaded process.
 */
public sealed interface StraceRecord permits StraceRecord.Syscall, StraceRecord.TaskEnd {
    int tid();

    /** When the call started (strace -ttt), microseconds since the epoch. */
    long timeMicros();

    /**
     * A finished system call. {@code args} are the top-level arguments as strace printed them (with -yy decorations
     * and -X verbose comments), {@code result} the text after {@code " = "}, e.g. {@code 3</etc/hosts>},
     * {@code -1 ENOENT (No such file or directory)}, {@code ?}.
     */
    record Syscall(int tid, long timeMicros, String name, List<String> args, String result) implements StraceRecord {
        public Syscall {
            args = List.copyOf(args);
        }

        public String arg(final int i) {
            return i < args.size() ? args.get(i) : "";
        }

        /** The numeric return value; {@link Long#MIN_VALUE} when strace shows none ({@code ?}) or it is unreadable. */
        public long returnValue() {
            return StraceSyntax.leadingNumber(result).orElse(Long.MIN_VALUE);
        }

        /** The errno name of a failed call (e.g. ENOENT), or null. */
        public String errno() {
            final String[] words = result.trim().split("\\s+");
            return words.length >= 2 && words[0].startsWith("-") && words[1].startsWith("E") ? words[1] : null;
        }

        /** The -y/-yy decoration of the returned file descriptor (e.g. the opened path), or null. */
        public String returnDecoration() {
            return StraceSyntax.decoration(result);
        }
    }

    /** A task ended: {@code exitCode} from "+++ exited with N +++", or null with the signal of "+++ killed by SIG +++". */
    record TaskEnd(int tid, long timeMicros, Integer exitCode, String signal) implements StraceRecord {
    }
}
