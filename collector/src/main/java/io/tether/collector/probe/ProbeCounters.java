package io.tether.collector.probe;

/**
 * A snapshot of what a probe channel has seen since it was opened (droppedByProbe: since the ring file was created).
 *
 * @param recordsRead     records decoded and handed to the sink
 * @param droppedByProbe  records probes could not write because the ring was full (from the ring header)
 * @param truncated       records whose path or argv was cut to fit a slot (still delivered)
 * @param malformed       slots skipped because their content could not be decoded
 * @param abandoned       slots skipped because a writer reserved them and never committed (e.g. it was killed)
 * @param sinkFailures    records the sink refused with an exception
 * @param identitiesResolved  processes whose deferred start time (and exe) the collector read from /proc while they
 *                            lived (the probe then skips reading them: the cheap case)
 * @param identitiesFromProbe IDENTITY records: processes that told their own start time before exiting, because
 *                            the collector had not resolved it in time (or they forked)
 * @param heldRecords     records now waiting for their process's identity
 * @param unresolved      records dropped because their process ended (killed) before its identity was known
 * @param freedUnkept     records whose slot was freed before their event was spooled, because half the ring was
 *                        read but not kept: a collector killed hard before spooling them lost them
 */
public record ProbeCounters(long recordsRead, long droppedByProbe, long truncated, long malformed, long abandoned,
                            long sinkFailures, long identitiesResolved, long identitiesFromProbe, long heldRecords,
                            long unresolved, long freedUnkept) {
}
