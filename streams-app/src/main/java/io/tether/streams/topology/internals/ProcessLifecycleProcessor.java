package io.tether.streams.topology.internals;

import io.tether.schemas.identity.ProcessKey;
import io.tether.streams.topology.StoreNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * Turns one host's exec/fork/exit events (input keyed by hostId, so a parent and its children meet in one task)
 * into versions of the PID → program table, keyed {@code hostId|pid}:
 * <ul>
 *   <li>exec: from its time on, the instance runs the program;</li>
 *   <li>fork: the child instance runs its parent's program (the version valid at the fork's time) until it
 *       execs. If the parent's program is not known yet (its exec is late), the fork waits in
 *       {@link StoreNames#PENDING_FORKS} and is resolved when the parent's exec arrives;</li>
 *   <li>exit: a tombstone just after the exit, so that a later instance with the same pid never inherits it.</li>
 * </ul>
 * Lookups are by event time in a versioned store, and every version is checked against the instance's start time:
 * a reused pid (different start time) never matches a dead instance.
 */
public final class ProcessLifecycleProcessor implements Processor<String, LifecycleEvent, String, ProcessVersion> {
    private final Duration pendingRetention;
    private ProcessorContext<String, ProcessVersion> context;
    private VersionedKeyValueStore<String, ProcessVersion> programs;
    private KeyValueStore<String, String> pendingForks;

    public ProcessLifecycleProcessor(final Duration pendingRetention) {
        this.pendingRetention = pendingRetention;
    }

    @Override
    public void init(final ProcessorContext<String, ProcessVersion> context) {
        this.context = context;
        this.programs = context.getStateStore(StoreNames.PROCESS_PROGRAMS);
        this.pendingForks = context.getStateStore(StoreNames.PENDING_FORKS);
        context.schedule(pendingRetention, PunctuationType.STREAM_TIME, this::dropStalePendingForks);
    }

    @Override
    public void process(final Record<String, LifecycleEvent> record) {
        final LifecycleEvent e = record.value();
        if (e == null) {
            return;
        }
        switch (e.kind()) {
            case EXEC -> {
                final ProcessVersion version = new ProcessVersion(e.startTime(), e.program(), e.sourceMask(),
                    e.timeMicros());
                if (install(e.hostId(), e.pid(), version)) {
                    resolvePendingForks(e.hostId(), e.pid(), version);
                }
            }
            case FORK -> fork(e.hostId(), e.pid(), e.startTime(), e.parentPid(), e.parentStartTime(),
                e.timeMicros(), e.sourceMask());
            case EXIT -> exit(e);
            default -> throw new IllegalStateException("unknown lifecycle kind " + e.kind());
        }
    }

    private void fork(final String host, final int pid, final long startTime, final int parentPid,
                      final long parentStartTime, final long timeMicros, final int sourceMask) {
        final VersionedRecord<ProcessVersion> parent = programs.get(ProcessKey.of(host, parentPid),
            millis(timeMicros));
        if (parent != null && parent.value().startTime() == parentStartTime) {
            final ProcessVersion child = new ProcessVersion(startTime, parent.value().program(), sourceMask,
                timeMicros);
            if (install(host, pid, child)) {
                resolvePendingForks(host, pid, child);
            }
        } else {
            pendingForks.put(pendingKey(host, parentPid, parentStartTime) + pid + "|" + startTime,
                timeMicros + "|" + sourceMask);
        }
    }

    /** A parent's program became known: children forked at or after that time inherit it, recursively. */
    private void resolvePendingForks(final String host, final int pid, final ProcessVersion version) {
        final List<KeyValue<String, String>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pendingForks.prefixScan(pendingKey(host, pid,
            version.startTime()), Serdes.String().serializer())) {
            it.forEachRemaining(waiting::add);
        }
        for (final KeyValue<String, String> w : waiting) {
            final String[] value = w.value.split("\\|");
            final long forkMicros = Long.parseLong(value[0]);
            if (forkMicros < version.timeMicros()) {
                continue; // forked before this exec: it inherited an earlier program of the parent
            }
            pendingForks.delete(w.key);
            final String[] key = w.key.split("\\|");
            final int childPid = Integer.parseInt(key[key.length - 2]);
            final long childStart = Long.parseLong(key[key.length - 1]);
            fork(host, childPid, childStart, pid, version.startTime(), forkMicros, Integer.parseInt(value[1]));
        }
    }

    private void exit(final LifecycleEvent e) {
        final String key = ProcessKey.of(e.hostId(), e.pid());
        // the tombstone goes 1 ms after the exit: calls made in the exit's own millisecond still belong to it
        final long at = millis(e.timeMicros()) + 1;
        final VersionedRecord<ProcessVersion> current = programs.get(key, at);
        if (current != null && current.value().startTime() > e.startTime()) {
            return; // a later instance already holds the pid: this exit is stale news
        }
        programs.delete(key, at);
        context.forward(new Record<>(key, (ProcessVersion) null, at));
    }

    /**
     * Puts a version unless a later event of the same instance already set the program in the same millisecond
     * (the versioned store keeps one value per key and millisecond, and arrival order must not matter).
     */
    private boolean install(final String host, final int pid, final ProcessVersion version) {
        final String key = ProcessKey.of(host, pid);
        final long at = millis(version.timeMicros());
        final VersionedRecord<ProcessVersion> existing = programs.get(key, at);
        if (existing != null && existing.timestamp() == at && existing.value().startTime() == version.startTime()
            && existing.value().timeMicros() > version.timeMicros()) {
            return false;
        }
        programs.put(key, version, at);
        context.forward(new Record<>(key, version, at));
        return true;
    }

    private void dropStalePendingForks(final long streamTimeMillis) {
        final long horizonMicros = (streamTimeMillis - pendingRetention.toMillis()) * 1000L;
        final List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pendingForks.all()) {
            while (it.hasNext()) {
                final KeyValue<String, String> kv = it.next();
                if (Long.parseLong(kv.value.substring(0, kv.value.indexOf('|'))) < horizonMicros) {
                    stale.add(kv.key);
                }
            }
        }
        stale.forEach(pendingForks::delete);
    }

    private static String pendingKey(final String host, final int parentPid, final long parentStartTime) {
        return host + "|" + parentPid + "|" + parentStartTime + "|";
    }

    private static long millis(final long micros) {
        return Math.floorDiv(micros, 1000L);
    }
}
