package io.tether.collector.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a command can be started, answered the way a shell does: 127 when there is no such command, 126 when it
 * exists but cannot be executed. 'tether run' and 'tether trace' stand in for the command they run and pass on its
 * exit code, so a command that never started must end them with the code a script around them expects from a shell,
 * not with a usage error (2) that a command's own exit could be mistaken for.
 */
final class CommandLookup {
    /** A shell's exit code for a command that was not found. */
    static final int NOT_FOUND = 127;
    /** A shell's exit code for a command that was found but could not be executed. */
    static final int NOT_EXECUTABLE = 126;
    /** What execvp searches when PATH is unset (glibc's default, as the JVM's process launcher uses it). */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    /** Why a command cannot run, as one line, and the exit code that goes with it. */
    record Failure(int exitCode, String reason) {
        /** Says on one line that {@code command} (e.g. "tether run") cannot run the program; returns the exit code. */
        int report(final java.io.PrintWriter err, final String command) {
            err.println(command + ": cannot run " + reason);
            err.flush();
            return exitCode;
        }
    }

    private CommandLookup() {
    }

    /**
     * @param program  the command as given (argv[0]): a path when it holds a '/', else a name looked up on the PATH
     * @param pathEnv  the PATH the command is started with; null means unset
     * @return why it cannot run, or empty when an executable file was found
     */
    static Optional<Failure> check(final String program, final String pathEnv) {
        if (program.isEmpty()) {
            return Optional.of(new Failure(NOT_FOUND, "'': command not found"));
        }
        if (program.contains("/")) {
            return checkFile(program, program);
        }
        Optional<Failure> firstProblem = Optional.of(new Failure(NOT_FOUND,
                "'" + program + "': command not found on the PATH"));
        for (final String dir : (pathEnv == null ? DEFAULT_PATH : pathEnv).split(File.pathSeparator, -1)) {
            // an empty PATH entry is the working directory, as for execvp
            final Optional<Failure> here = checkFile(program, (dir.isEmpty() ? "." : dir) + "/" + program);
            if (here.isEmpty()) {
                return here;
            }
            if (here.get().exitCode() == NOT_EXECUTABLE && firstProblem.get().exitCode() == NOT_FOUND) {
                firstProblem = here; // like a shell: a file that is there but not executable is reported as such
            }
        }
        return firstProblem;
    }

    private static Optional<Failure> checkFile(final String program, final String candidate) {
        final Path file;
        try {
            file = Path.of(candidate);
        } catch (final InvalidPathException e) {
            return Optional.of(new Failure(NOT_FOUND, "'" + program + "': not a valid path"));
        }
        if (!Files.exists(file)) {
            return Optional.of(new Failure(NOT_FOUND, "'" + program + "': no such file or directory"));
        }
        if (Files.isDirectory(file)) {
            return Optional.of(new Failure(NOT_EXECUTABLE, "'" + program + "': is a directory"));
        }
        if (!Files.isExecutable(file)) {
            return Optional.of(new Failure(NOT_EXECUTABLE, "'" + program + "': permission denied (not executable)"));
        }
        return Optional.empty();
    }
}
