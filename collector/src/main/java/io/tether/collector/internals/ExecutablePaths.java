package io.tether.collector.internals;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The executable an ExecEvent names, from what {@code /proc/<pid>/exe} says (the probe's and the scanner's source).
 * DESIGN §2 makes it the AP's program: an absolute path a migration could copy. Two kinds of link text are not that:
 * <ul>
 *   <li>{@code PATH (deleted)}: the file was replaced or removed after the exec (a package upgrade): the path is
 *   still what the program was started as, and what a migration copies;</li>
 *   <li>{@code /memfd:NAME (deleted)}: the program was executed from an anonymous memory file ({@code memfd_create}
 *   then {@code fexecve}, e.g. a runtime that runs a sealed copy of itself): there is no file. argv[0] names the
 *   program when it is the path of an existing file (made absolute against the cwd); otherwise the executable stays
 *   {@code /memfd:NAME}, which no file system path starts with, so that such an AP reads as "not on disk".</li>
 * </ul>
 * Shared by the probe's decoder and the /proc scanner, so that both name such a program alike.
 */
public final class ExecutablePaths {
    private static final String DELETED = " (deleted)";
    private static final String MEMFD = "/memfd:";

    private ExecutablePaths() {
    }

    /**
     * @param procExe the link text of /proc/&lt;pid&gt;/exe (or what a probe read from it)
     * @param argv    the process's argument vector, argv[0] first
     * @param cwd     its working directory, or null
     */
    public static String of(final String procExe, final List<String> argv, final String cwd) {
        final String exe = procExe.endsWith(DELETED) ? procExe.substring(0, procExe.length() - DELETED.length())
                : procExe;
        if (!exe.startsWith(MEMFD)) {
            return exe;
        }
        final String named = argv == null || argv.isEmpty() ? null : existingFile(argv.get(0), cwd);
        return named != null ? named : exe;
    }

    /** argv[0] as an absolute, normalised path when it names an existing regular file; a bare name is no path. */
    private static String existingFile(final String argv0, final String cwd) {
        if (argv0.indexOf('/') < 0) {
            return null;
        }
        try {
            final Path given = Path.of(argv0);
            final Path absolute = given.isAbsolute() ? given : cwd == null ? null : Path.of(cwd).resolve(given);
            if (absolute == null || !Files.isRegularFile(absolute)) {
                return null;
            }
            return absolute.normalize().toString();
        } catch (final InvalidPathException e) {
            return null;
        }
    }
}
