package io.tether.collector.scan;

import java.util.List;

/**
 * What one pass over /proc found.
 *
 * @param processes  covered processes seen in this pass
 * @param events     events emitted (only what changed since the previous pass)
 * @param unreadable /proc entries skipped because they could not be read (permission denied, the process exited
 *                   mid-scan); never fatal
 * @param listening  listening sockets of the covered processes
 * @param nanos      duration of the pass
 */
public record ScanResult(int processes, int events, int unreadable, List<ListeningSocket> listening, long nanos) {
}
