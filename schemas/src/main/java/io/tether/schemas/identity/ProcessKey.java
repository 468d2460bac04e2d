package io.tether.schemas.identity;

/**
 * Record key of every input event: {@code hostId|pid}. Collectors key by it so that the events of one
 * process stay in order in one partition, and the streams app's PID → program table is keyed the same way,
 * so the process-table joins need no repartitioning.
 */
public final class ProcessKey {
    private ProcessKey() {
    }

    public static String of(final String hostId, final int pid) {
        return hostId + "|" + pid;
    }

    public static String hostId(final String key) {
        final int bar = key.lastIndexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("not a hostId|pid key: " + key);
        }
        return key.substring(0, bar);
    }

    public static int pid(final String key) {
        final int bar = key.lastIndexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("not a hostId|pid key: " + key);
        }
        return Integer.parseInt(key.substring(bar + 1));
    }
}
