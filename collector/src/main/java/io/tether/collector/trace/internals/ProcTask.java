package io.tether.collector.trace.internals;

import io.tether.collector.probe.ProcessStartTime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What /proc still tells about a traced task while it lives. Every read may fail because the task has already
 * exited (and been reaped): callers get null / empty and fall back, never an exception.
 */
public final class ProcTask {
    /** Tgid, PPid and the real Uid from /proc/TID/status. */
    public record Status(int tgid, int ppid, int uid) {
    }

    private final Path procRoot;

    public ProcTask(final Path procRoot) {
        this.procRoot = procRoot;
    }

    /** /proc/TID/status works for thread ids too (they are hidden from the listing, not from lookups). */
    public Status status(final int tid) {
        try {
            int tgid = -1;
            int ppid = -1;
            int uid = -1;
            for (final String line : Files.readAllLines(procRoot.resolve(Integer.toString(tid)).resolve("status"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith("Tgid:")) {
                    tgid = Integer.parseInt(line.substring(5).trim());
                } else if (line.startsWith("PPid:")) {
                    ppid = Integer.parseInt(line.substring(5).trim());
                } else if (line.startsWith("Uid:")) {
                    uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
            return tgid > 0 && ppid >= 0 && uid >= 0 ? new Status(tgid, ppid, uid) : null;
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    /** Field 22 of /proc/PID/stat (clock ticks since boot), read with the formula every capture source shares. */
    public OptionalLong startTicks(final int pid) {
        try {
            return ProcessStartTime.startTicks(Files.readString(procRoot.resolve(Integer.toString(pid)).resolve("stat"),
                    StandardCharsets.UTF_8));
        } catch (final IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    public String cwd(final int pid) {
        try {
            return Files.readSymbolicLink(procRoot.resolve(Integer.toString(pid)).resolve("cwd")).toString();
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    /** Inode of the task's network namespace ("net:[4026531840]"), or null. */
    public Long netns(final int pid) {
        try {
            final String link = Files.readSymbolicLink(procRoot.resolve(Integer.toString(pid)).resolve("ns").resolve("net"))
                    .toString();
            final int open = link.indexOf('[');
            final int close = link.indexOf(']');
            return open > 0 && close > open ? Long.parseLong(link.substring(open + 1, close)) : null;
        } catch (final IOException | RuntimeException e) {
            return null;
        }
    }

    /** /proc/PID, e.g. to read the socket tables of the task's network namespace. */
    public Path dir(final int pid) {
        return procRoot.resolve(Integer.toString(pid));
    }
}
