package io.tether.collector.scan.internals;

import io.tether.collector.probe.ProcessStartTime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Parsers for the few /proc files the scanner reads; each throws IOException when the entry is unreadable. */
public final class ProcFiles {
    private ProcFiles() {
    }

    /** ppid and start time (clock ticks after boot) from /proc/PID/stat, parsed as the probe's start times are. */
    public static long[] ppidAndStartTicks(final Path pidDir) throws IOException {
        final String stat = Files.readString(pidDir.resolve("stat"), StandardCharsets.US_ASCII);
        final OptionalLong ppid = ProcessStartTime.parentPid(stat);
        final OptionalLong ticks = ProcessStartTime.startTicks(stat);
        if (ppid.isEmpty() || ticks.isEmpty()) {
            throw new IOException("malformed " + pidDir.resolve("stat"));
        }
        return new long[] {ppid.getAsLong(), ticks.getAsLong()};
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
