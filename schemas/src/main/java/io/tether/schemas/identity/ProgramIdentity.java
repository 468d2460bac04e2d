package io.tether.schemas.identity;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Computes the program identity of an AP from what exec saw (DESIGN.md §2): the executable's absolute path,
 * and for interpreters also the script or jar they run, so that two Python services are two APs.
 * Shared by the collector (which stamps it on ExecEvent) and the streams app (which trusts it), so both agree.
 */
public final class ProgramIdentity {
    private static final Pattern INTERPRETER = Pattern.compile(
            "(python|python[0-9.]+|perl|perl[0-9.]+|ruby|ruby[0-9.]+|node|nodejs|php|php[0-9.]+|sh|bash|dash|zsh|ksh|tclsh|lua|Rscript)");

    private ProgramIdentity() {
    }

    /**
     * @param executable absolute path of the executable (e.g. /proc/pid/exe)
     * @param argv       the argument vector, argv[0] first
     * @param cwd        working directory used to resolve a relative script path; may be null
     */
    public static String of(final String executable, final List<String> argv, final String cwd) {
        final String exe = executable;
        final String base = Path.of(exe).getFileName() == null ? exe : Path.of(exe).getFileName().toString();
        if (argv == null || argv.size() < 2) {
            return exe;
        }
        if (base.equals("java")) {
            for (int i = 1; i < argv.size() - 1; i++) {
                if (argv.get(i).equals("-jar")) {
                    return exe + " " + absolute(argv.get(i + 1), cwd);
                }
            }
            return exe;
        }
        if (!INTERPRETER.matcher(base).matches()) {
            return exe;
        }
        // first argument that is not an option is the script; "-c"/"-e"/"-m" mean inline code or a module
        for (int i = 1; i < argv.size(); i++) {
            final String arg = argv.get(i);
            if (arg.equals("-c") || arg.equals("-e") || arg.equals("-E")) {
                return exe;
            }
            if (arg.equals("-m") && i + 1 < argv.size()) {
                return exe + " -m " + argv.get(i + 1);
            }
            if (arg.equals("--")) {
                return i + 1 < argv.size() ? exe + " " + absolute(argv.get(i + 1), cwd) : exe;
            }
            if (!arg.startsWith("-")) {
                return exe + " " + absolute(arg, cwd);
            }
        }
        return exe;
    }

    private static String absolute(final String path, final String cwd) {
        if (path.startsWith("/") || cwd == null || cwd.isEmpty()) {
            return path.startsWith("/") ? Path.of(path).normalize().toString() : path;
        }
        return Path.of(cwd).resolve(path).normalize().toString();
    }
}
