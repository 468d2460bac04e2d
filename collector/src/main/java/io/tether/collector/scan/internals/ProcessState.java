package io.tether.collector.scan.internals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What the scanner knew about one process instance after its last pass: enough to report only changes. */
public final class ProcessState {
    public final int pid;
    public final long startTime;
    public int ppid;
    public int uid;
    public String executable;
    public Long netns;
    /** fd number → path of the regular files it held open. */
    public Map<Integer, String> files = new HashMap<>();
    /** Socket inodes already reported (or not reportable). */
    public Set<Long> sockets = new HashSet<>();
    /** Connected Unix socket inodes without a peer yet → passes they have been looked at (see the scanner). */
    public Map<Long, Integer> unpairedPasses = new HashMap<>();

    public ProcessState(final int pid, final long startTime) {
        this.pid = pid;
        this.startTime = startTime;
    }
}
