package io.tether.collector.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The start time of a process instance in microseconds since the epoch, the one formula every capture source uses
 * so that (hostId, pid, startTime) matches across them: {@code btime * 10^6 + starttime * 10^6 / CLK_TCK}, where
 * btime is the boot time from /proc/stat and starttime field 22 of /proc/&lt;pid&gt;/stat (clock ticks since boot).
 * The probe reports raw ticks and the collector converts them here.
 */
public final class ProcessStartTime {
    /** USER_HZ, the unit of /proc/&lt;pid&gt;/stat times: fixed at 100 by the Linux ABI on every mainstream architecture. */
    public static final long CLK_TCK = 100;

    private final long bootTimeSeconds;

    private ProcessStartTime(final long bootTimeSeconds) {
        this.bootTimeSeconds = bootTimeSeconds;
    }

    /** Reads btime from /proc/stat once. */
    public static ProcessStartTime ofThisBoot() {
        return new ProcessStartTime(bootTimeSeconds(Path.of("/proc/stat")));
    }

    public static ProcessStartTime ofBootTime(final long bootTimeSeconds) {
        return new ProcessStartTime(bootTimeSeconds);
    }

    public long bootTimeSeconds() {
        return bootTimeSeconds;
    }

    public long epochMicros(final long startTicks) {
        return epochMicros(bootTimeSeconds, startTicks);
    }

    public static long epochMicros(final long bootTimeSeconds, final long startTicks) {
        return bootTimeSeconds * 1_000_000L + startTicks * 1_000_000L / CLK_TCK;
    }

    /** btime (boot time, seconds since the epoch) from a /proc/stat file; the scanner reads it under its proc root. */
    public static long bootTimeSeconds(final Path procStat) {
        try {
            for (final String line : Files.readAllLines(procStat)) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the boot time from " + procStat, e);
        }
        throw new IllegalStateException(procStat + " has no btime line");
    }

    /**
     * Field 22 (starttime, in clock ticks since boot) of a /proc/&lt;pid&gt;/stat line. The command name (field 2) may
     * itself contain spaces and parentheses, so fields are counted after the last ')'. Empty if the line is malformed.
     */
    public static OptionalLong startTicks(final String statLine) {
        return field(statLine, 22);
    }

    /** Field 4 (ppid) of a /proc/&lt;pid&gt;/stat line; empty if malformed. */
    public static OptionalLong parentPid(final String statLine) {
        return field(statLine, 4);
    }

    private static OptionalLong field(final String statLine, final int field) {
        final int close = statLine.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        final String[] rest = statLine.substring(close + 1).trim().split(" +");
        final int index = field - 3; // rest[0] is field 3 (state)
        if (index >= rest.length) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(rest[index].trim()));
        } catch (final NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
