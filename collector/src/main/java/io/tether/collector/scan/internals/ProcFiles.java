package io.tether.collector.scan.internals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parsers for the few /proc files the scanner reads; each throws IOException when the entry is unreadable. */
public final class ProcFiles {
    /** USER_HZ: the unit of /proc/PID/stat times; fixed at 100 by the Linux ABI on every architecture we run on. */
    public static final long CLK_TCK = 100;
    public static final int O_ACCMODE = 3;
    public static final int O_APPEND = 02000;

    private ProcFiles() {
    }

    /** Boot time in seconds since the epoch ("btime" in /proc/stat). */
    public static long bootTimeSeconds(final Path procRoot) throws IOException {
        for (final String line : Files.readAllLines(procRoot.resolve("stat"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IOException("no btime in " + procRoot.resolve("stat"));
    }

    /** ppid and start time (clock ticks after boot) from /proc/PID/stat. */
    public static long[] ppidAndStartTicks(final Path pidDir) throws IOException {
        final String stat = Files.readString(pidDir.resolve("stat"), StandardCharsets.US_ASCII);
        // the command name (field 2) may contain spaces and parentheses: fields resume after the LAST ')'
        final int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IOException("malformed " + pidDir.resolve("stat"));
        }
        final String[] f = stat.substring(close + 2).split(" ");
        // f[0] is field 3 (state); ppid is field 4, starttime field 22
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[19])};
    }

    /** Real uid from /proc/PID/status. */
    public static int uid(final Path pidDir) throws IOException {
        for (final String line : Files.readAllLines(pidDir.resolve("status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no Uid in " + pidDir.resolve("status"));
    }

    /** The argument vector from /proc/PID/cmdline (NUL separated). Empty for kernel threads and zombies. */
    public static List<String> cmdline(final Path pidDir) throws IOException {
        final byte[] raw = Files.readAllBytes(pidDir.resolve("cmdline"));
        final List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < raw.length) {
            argv.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
        }
        return argv;
    }

    /** The open flags of an fd from /proc/PID/fdinfo/FD ("flags:\t0100002", octal). */
    public static int fdFlags(final Path pidDir, final String fd) throws IOException {
        final String text = Files.readString(pidDir.resolve("fdinfo").resolve(fd), StandardCharsets.US_ASCII);
        final int at = text.indexOf("flags:");
        if (at < 0) {
            throw new IOException("no flags in fdinfo " + fd);
        }
        int start = at + 6;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return Integer.parseInt(text, start, end, 8);
    }

    /** A link target with the kernel's " (deleted)" marker removed, or null when the file was deleted. */
    public static String liveTarget(final String target) {
        return target.endsWith(" (deleted)") ? null : target;
    }
}
