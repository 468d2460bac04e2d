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
            return java(exe, argv, cwd);
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

    /**
     * A JVM runs what its launcher names: {@code -jar X} (the jar), {@code -m module[/class]} (the module), or else
     * the main class, the first argument that is not an option nor an option's value. Without this every JVM of a
     * host would be one AP, coupled through every jar any of them opens.
     */
    private static String java(final String exe, final List<String> argv, final String cwd) {
        for (int i = 1; i < argv.size(); i++) {
            final String arg = argv.get(i);
            if (arg.equals("-jar")) {
                return i + 1 < argv.size() ? exe + " " + absolute(argv.get(i + 1), cwd) : exe;
            }
            if (arg.equals("-m") || arg.equals("--module")) {
                return i + 1 < argv.size() ? exe + " -m " + argv.get(i + 1) : exe;
            }
            if (arg.startsWith("--module=")) {
                return exe + " -m " + arg.substring("--module=".length());
            }
            if (JAVA_OPTIONS_WITH_VALUE.contains(arg)) {
                i++; // the option's value
            } else if (!arg.startsWith("-") && !arg.startsWith("@")) {
                return exe + " " + arg; // the main class (or a source file: "java Hello.java")
            }
        }
        return exe;
    }

    /** The java launcher's options whose value is the next argument (the rest are one argument each). */
    private static final java.util.Set<String> JAVA_OPTIONS_WITH_VALUE = java.util.Set.of("-cp", "-classpath",
        "--class-path", "-p", "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules",
        "--add-reads", "--add-exports", "--add-opens", "--patch-module", "--enable-native-access", "--source",
        "--describe-module", "-d");

    private static String absolute(final String path, final String cwd) {
        if (path.startsWith("/") || cwd == null || cwd.isEmpty()) {
            return path.startsWith("/") ? Path.of(path).normalize().toString() : path;
        }
        return Path.of(cwd).resolve(path).normalize().toString();
    }
}
