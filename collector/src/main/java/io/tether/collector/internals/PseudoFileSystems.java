package io.tether.collector.internals;

/**
 * DESIGN.md §2: files under the kernel's pseudo file systems ({@code /proc}, {@code /sys}, {@code /dev}) say nothing
 * about what must move with a program and are left out by default, except {@code /dev/shm} (real shared memory
 * that programs share). One rule for every capture mode that filters paths (the scanner, trace mode).
 */
public final class PseudoFileSystems {
    private PseudoFileSystems() {
    }

    /** Whether an absolute path lies on a pseudo file system (and so is left out unless asked for). */
    public static boolean isPseudo(final String path) {
        if (path.startsWith("/dev/shm/")) {
            return false;
        }
        return path.equals("/proc") || path.startsWith("/proc/") || path.equals("/sys") || path.startsWith("/sys/")
                || path.equals("/dev") || path.startsWith("/dev/");
    }
}
