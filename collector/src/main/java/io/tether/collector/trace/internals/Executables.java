package io.tether.collector.trace.internals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel runs for an execve: strace shows the file and argv as passed, the probe and the scanner see
 * /proc/PID/exe and the kernel's argv. For a {@code #!} script the kernel runs the interpreter with
 * {@code [interpreter, optional-arg, file, argv[1..]]}, and /proc/PID/exe has symbolic links resolved; this class
 * applies both rules so that the trace mode's ExecEvent names the same program as the other capture modes.
 */
public final class Executables {
    /** The kernel follows at most this many nested interpreters (BINPRM_MAX_RECURSION is 4). */
    private static final int MAX_NESTING = 4;
    private static final int MAX_SHEBANG = 256;

    /** The executable as /proc/PID/exe would name it and the argv the new program sees. */
    public record Resolved(String executable, List<String> argv) {
    }

    private Executables() {
    }

    /** @param file absolute path of the file passed to execve; @param argv the argv passed */
    public static Resolved resolve(final String file, final List<String> argv) {
        String current = file;
        List<String> args = argv;
        for (int depth = 0; depth < MAX_NESTING; depth++) {
            final String line = shebang(current);
            if (line == null) {
                break;
            }
            final String trimmed = line.strip();
            final int space = indexOfBlank(trimmed);
            final String interpreter = space < 0 ? trimmed : trimmed.substring(0, space);
            final String optional = space < 0 ? "" : trimmed.substring(space).strip();
            if (interpreter.isEmpty()) {
                break;
            }
            final List<String> next = new ArrayList<>();
            next.add(interpreter);
            if (!optional.isEmpty()) {
                next.add(optional);
            }
            next.add(current);
            if (args.size() > 1) {
                next.addAll(args.subList(1, args.size()));
            }
            args = next;
            current = interpreter;
        }
        return new Resolved(realPath(current), List.copyOf(args));
    }

    private static int indexOfBlank(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    /** The text after "#!" on the first line, or null when the file is not a script (or unreadable). */
    private static String shebang(final String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            final byte[] head = in.readNBytes(MAX_SHEBANG);
            if (head.length < 2 || head[0] != '#' || head[1] != '!') {
                return null;
            }
            int end = 2;
            while (end < head.length && head[end] != '\n') {
                end++;
            }
            return new String(head, 2, end - 2, StandardCharsets.UTF_8);
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    private static String realPath(final String file) {
        try {
            return Path.of(file).toRealPath().toString();
        } catch (final IOException | RuntimeException e) {
            return file;
        }
    }
}
