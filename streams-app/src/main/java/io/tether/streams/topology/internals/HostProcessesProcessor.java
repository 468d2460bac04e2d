package io.tether.streams.topology.internals;

import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.topic.EventType;
import io.tether.schemas.topic.HostPartitioner;
import io.tether.streams.topology.MigrationSetTopology;
import io.tether.streams.topology.StoreNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's processes, in the task that owns the host: the input topics are partitioned by host
 * ({@link HostPartitioner}), so a parent and its children, and every event of theirs, meet in the task of one
 * partition number. An event found in another partition than its host's (produced without the host partitioner) is
 * counted in {@code mispartitioned-events-total} and sent to the DLQ with the reason. It keeps the versioned PID → program table {@link StoreNames#PROCESS_TABLE}
 * (keyed {@code hostId|pid}) and attributes open, connect and accept against it at the event's time:
 * <ul>
 *   <li>exec: from its time on, the instance runs the program;</li>
 *   <li>fork: the child runs its parent's program (the version valid at the fork's time) until it execs; a fork
 *       whose parent is not known yet waits in {@link StoreNames#PENDING_FORKS} for the parent's exec;</li>
 *   <li>exit: a tombstone just after the exit, so that a later instance with the same pid never inherits it; an
 *       exit processed before its instance's fork or exec (same millisecond, another input topic) waits for it in
 *       {@link StoreNames#PENDING_EVENTS}, so that the pid still leaves the graph's live pids;</li>
 *   <li>open/connect/accept of a known instance are attributed and forwarded at once. An event whose instance is
 *       not known yet waits in {@link StoreNames#PENDING_EVENTS} and is attributed the moment its exec or fork
 *       arrives; once its own input partition's event time passes its time plus the grace (checked as each
 *       record arrives) it is given up: counted in the
 *       {@code unattributed-events-total} metric (tagged {@code event-type}), logged (rate limited) and forwarded
 *       as {@link HostOutput#givenUp}, which the topology writes to the DLQ with the reason in the
 *       {@value #REASON_HEADER} header. Nothing is lost silently.</li>
 * </ul>
 * Every version is checked against the instance's start time, so a reused pid never matches a dead instance.
 * Determinism: lookups are by event time, and giving up is decided on event time only, never the wall clock.
 *
 * <p>Why one task per host rather than a PID table on its own topic that attribution joins: the table then
 * arrives through its own repartition topic and, when the app catches up on a backlog, lags the events it
 * explains by more than any sensible grace, so those events are given up. Here the exec and the events of its
 * process travel through the same partition. And why the inputs are partitioned by host rather than repartitioned
 * by host here: that was one more exactly-once hop for every event (a third of what the app wrote).
 */
public final class HostProcessesProcessor implements Processor<String, HostEvent, String, HostOutput> {
    /** The header carrying why the record went to the DLQ (the name Kafka Streams' own DLQ records use). */
    public static final String REASON_HEADER = "__streams.errors.message";
    /** The metric (total; a rate beside it) of events given up unattributed. */
    public static final String UNATTRIBUTED_METRIC = "unattributed-events";
    /**
     * The metric (total; a rate beside it) of events found in another partition than their host's: produced without
     * {@link io.tether.schemas.topic.HostPartitioner}, they go to the DLQ.
     */
    public static final String MISPARTITIONED_METRIC = "mispartitioned-events";
    /** Metric group scope: the metric group is {@code stream-tether-attribution-metrics}. */
    public static final String METRIC_SCOPE = "tether-attribution";

    /** connect() errno meaning "in progress": a non-blocking connect that may still succeed. */
    private static final int EINPROGRESS = 115;
    private static final Logger LOG = LoggerFactory.getLogger(HostProcessesProcessor.class);

    private final long graceMillis;
    private final Duration pendingForkRetention;
    private ProcessorContext<String, HostOutput> context;
    private VersionedKeyValueStore<String, ProcessVersion> programs;
    private KeyValueStore<String, String> pendingForks;
    private KeyValueStore<String, HostEvent> pendingEvents;
    private final Map<EventType, Sensor> unattributed = new EnumMap<>(EventType.class);
    private Sensor mispartitioned;
    /** The input topics' partition count, to check that an event is in its host's partition; 0: not checked. */
    private int inputPartitions;
    private final LatestProcessVersions latest = new LatestProcessVersions(100_000);
    private final RecentExits recentExits;
    /**
     * Index of the pending store by source partition and event time, so that giving up reads only what is due
     * (rebuilt on start).
     */
    private final Map<Integer, TreeSet<PendingRef>> pendingByTime = new HashMap<>();
    /**
     * The keys of both pending stores, in memory (rebuilt on start), so that an exec or fork looks for what waits
     * for its instance with a prefix check here instead of a RocksDB scan — almost always there is nothing.
     */
    private final TreeSet<String> pendingEventKeys = new TreeSet<>();
    private final TreeSet<String> pendingForkKeys = new TreeSet<>();
    /** Per source partition, the latest event time seen from it: the clock that decides when to give up. */
    private final Map<Integer, Long> partitionTime = new HashMap<>();
    private final LogLimiter dlqWarnings = new LogLimiter(Duration.ofMinutes(1));

    /**
     * @param grace                how long (event time of its input partition) an event waits for its exec or fork
     * @param pendingForkRetention how long a fork waits for its parent's exec
     */
    public HostProcessesProcessor(final Duration grace, final Duration pendingForkRetention) {
        this.graceMillis = grace.toMillis();
        this.pendingForkRetention = pendingForkRetention;
        this.recentExits = new RecentExits(graceMillis, 100_000);
    }

    /** Whether an event takes part in attribution at all: failed opens and connects couple nothing. */
    public static boolean relevant(final HostEvent e) {
        return switch (e.type()) {
            case OPEN -> ((OpenEvent) e.event()).getSucceeded();
            case CONNECT -> {
                final int error = ((ConnectEvent) e.event()).getError();
                yield error == 0 || error == EINPROGRESS;
            }
            default -> true;
        };
    }

    @Override
    public void init(final ProcessorContext<String, HostOutput> context) {
        this.context = context;
        this.programs = context.getStateStore(StoreNames.PROCESS_TABLE);
        this.pendingForks = context.getStateStore(StoreNames.PENDING_FORKS);
        this.pendingEvents = context.getStateStore(StoreNames.PENDING_EVENTS);
        for (final EventType type : List.of(EventType.OPEN, EventType.CONNECT, EventType.ACCEPT)) {
            unattributed.put(type, context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId().toString(),
                UNATTRIBUTED_METRIC, Sensor.RecordingLevel.INFO, "event-type", type.name().toLowerCase(Locale.ROOT)));
        }
        mispartitioned = context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId().toString(),
            MISPARTITIONED_METRIC, Sensor.RecordingLevel.INFO);
        final Object partitions = context.appConfigs().get(MigrationSetTopology.INPUT_PARTITIONS_CONFIG);
        inputPartitions = partitions == null ? 0 : Integer.parseInt(partitions.toString());
        latest.clear();
        recentExits.clear();
        pendingByTime.clear();
        partitionTime.clear();
        pendingEventKeys.clear();
        pendingForkKeys.clear();
        try (KeyValueIterator<String, HostEvent> it = pendingEvents.all()) {
            while (it.hasNext()) {
                final KeyValue<String, HostEvent> kv = it.next();
                pendingIndex(kv.value.sourcePartition()).add(new PendingRef(kv.value.timeMillis(), kv.key));
                pendingEventKeys.add(kv.key);
            }
        }
        try (KeyValueIterator<String, String> it = pendingForks.all()) {
            it.forEachRemaining(kv -> pendingForkKeys.add(kv.key));
        }
        context.schedule(pendingForkRetention, PunctuationType.STREAM_TIME, this::dropStalePendingForks);
    }

    @Override
    public void process(final Record<String, HostEvent> record) {
        final HostEvent e = record.value();
        if (e == null) {
            return;
        }
        final EventHeader h = e.header();
        if (inputPartitions > 0 && e.sourcePartition() >= 0
                && HostPartitioner.partitionOf(h.getHostId(), inputPartitions) != e.sourcePartition()) {
            // this task does not hold the host's processes: attributing here could only be wrong or never happen
            mispartitioned.record();
            sendToDlq(e, h, record.headers(), "not in its host's partition: found in partition " + e.sourcePartition()
                + " of " + inputPartitions + ", host " + h.getHostId() + " belongs in partition "
                + HostPartitioner.partitionOf(h.getHostId(), inputPartitions)
                + " (produce input events with io.tether.schemas.topic.HostPartitioner)");
            return;
        }
        partitionTime.merge(e.sourcePartition(), millis(h.getTimeMicros()), Math::max);
        switch (e.type()) {
            case EXEC -> {
                final ProcessVersion version = new ProcessVersion(h.getStartTime(),
                    ((ExecEvent) e.event()).getProgram(), Sources.mask(h.getSource()), h.getTimeMicros());
                install(h.getHostId(), h.getPid(), version);
            }
            case FORK -> {
                final ForkEvent f = (ForkEvent) e.event();
                fork(h.getHostId(), h.getPid(), h.getStartTime(), f.getParentPid(), f.getParentStartTime(),
                    h.getTimeMicros(), Sources.mask(h.getSource()));
            }
            case EXIT -> exit(e, h);
            case OPEN, CONNECT, ACCEPT -> attribute(e, h, record.headers());
            default -> throw new IllegalStateException("unknown event type " + e.type());
        }
        // a clock moves only with a record: its own partition's, and the task's stream time (partition -1's clock)
        giveUpDue(e.sourcePartition());
        if (e.sourcePartition() >= 0) {
            giveUpDue(-1);
        }
    }

    // ---------------------------------------------------------------- the PID table

    private void fork(final String host, final int pid, final long startTime, final int parentPid,
                      final long parentStartTime, final long timeMicros, final int sourceMask) {
        final String parentKey = ProcessKey.of(host, parentPid);
        ProcessVersion parent = latest.get(parentKey, parentStartTime, millis(timeMicros));
        if (parent == null) {
            final VersionedRecord<ProcessVersion> stored = programs.get(parentKey, millis(timeMicros));
            parent = stored == null || stored.value().startTime() != parentStartTime ? null : stored.value();
        }
        if (parent != null) {
            install(host, pid, new ProcessVersion(startTime, parent.program(), sourceMask, timeMicros));
        } else {
            final String key = instancePrefix(host, parentPid, parentStartTime) + pid + "|" + startTime;
            pendingForks.put(key, timeMicros + "|" + sourceMask);
            pendingForkKeys.add(key);
        }
    }

    /**
     * Puts a version unless a later event of the same instance already set the program in the same millisecond
     * (the versioned store keeps one value per key and millisecond, and arrival order must not matter); then
     * resolves the forks and the events that waited for it.
     */
    private void install(final String host, final int pid, final ProcessVersion version) {
        final String key = ProcessKey.of(host, pid);
        final long at = millis(version.timeMicros());
        final VersionedRecord<ProcessVersion> existing = programs.get(key, at);
        if (existing != null && existing.timestamp() == at && existing.value().startTime() == version.startTime()
            && existing.value().timeMicros() > version.timeMicros()) {
            return;
        }
        if (existing != null && existing.value().startTime() == version.startTime()
            && existing.value().timeMicros() <= version.timeMicros()
            && !existing.value().program().equals(version.program())) {
            // the instance execs another program (a forked child, a shell's exec): it no longer runs the old one
            forwardEnd(key, host, existing.value().program(), pid, version.sourceMask(), version.timeMicros(), at);
        }
        final boolean newest = latest.isNewest(key, at);
        programs.put(key, version, at);
        latest.put(key, version, at);
        context.forward(new Record<>(key, HostOutput.evidence(GraphEvent.process(host, version.program(), pid,
            version.sourceMask(), version.timeMicros())), at));
        if (!newest) {
            final VersionedRecord<ProcessVersion> next = programs.get(key);
            if (next != null && next.timestamp() > at && next.value().startTime() == version.startTime()
                && !next.value().program().equals(version.program())) {
                // a later exec of this instance was processed first (its input partition ran ahead of this one's):
                // it ended this program, as it would have in time order
                forwardEnd(key, host, version.program(), pid, version.sourceMask(), next.value().timeMicros(),
                    next.timestamp());
            }
        }
        final Long exitMicros = recentExits.exitOf(instancePrefix(host, pid, version.startTime()));
        if (exitMicros != null && exitMicros >= version.timeMicros()) {
            // the instance's exit was processed first (same millisecond, another input topic): it ends this
            // program too, as it would have in time order (the tombstone after the exit is in the table already)
            latest.end(key, version.startTime(), millis(exitMicros) + 1);
            forwardEnd(key, host, version.program(), pid, version.sourceMask(), exitMicros, millis(exitMicros) + 1);
        }
        resolvePendingForks(host, pid, version);
        resolvePendingEvents(host, pid, version);
    }

    /** A parent's program became known: children forked at or after that time inherit it, recursively. */
    private void resolvePendingForks(final String host, final int pid, final ProcessVersion version) {
        for (final KeyValue<String, String> w : waitingFor(pendingForks, pendingForkKeys,
            instancePrefix(host, pid, version.startTime()))) {
            final String[] value = w.value.split("\\|");
            final long forkMicros = Long.parseLong(value[0]);
            if (forkMicros < version.timeMicros()) {
                continue; // forked before this exec: it inherited an earlier program of the parent
            }
            pendingForks.delete(w.key);
            pendingForkKeys.remove(w.key);
            final String[] key = w.key.split("\\|");
            final int childPid = Integer.parseInt(key[key.length - 2]);
            final long childStart = Long.parseLong(key[key.length - 1]);
            fork(host, childPid, childStart, pid, version.startTime(), forkMicros, Integer.parseInt(value[1]));
        }
    }

    private void exit(final HostEvent e, final EventHeader h) {
        final String key = ProcessKey.of(h.getHostId(), h.getPid());
        // the tombstone goes 1 ms after the exit: calls made in the exit's own millisecond still belong to it
        final long at = millis(h.getTimeMicros()) + 1;
        final VersionedRecord<ProcessVersion> current = programs.get(key, at);
        if (current != null && current.value().startTime() > h.getStartTime()) {
            return; // a later instance already holds the pid: this exit is stale news
        }
        programs.delete(key, at);
        latest.end(key, h.getStartTime(), at);
        if (current != null && current.value().startTime() == h.getStartTime()) {
            forwardExit(key, h, current.value().program());
        } else if (clock(e.sourcePartition()) <= millis(h.getTimeMicros()) + graceMillis) {
            // the instance's fork or exec has not been processed yet: a task takes records of the same millisecond
            // from its input topics in no fixed order, so an exit may come first. Its fork would then put the pid
            // in the graph for good; the exit waits for it like an event does (and is dropped unseen after the
            // grace: the exit of a process nobody saw start changes no set)
            waitForInstance(e, h);
        }
    }

    private void forwardExit(final String key, final EventHeader h, final String program) {
        recentExits.add(instancePrefix(h.getHostId(), h.getPid(), h.getStartTime()), h.getTimeMicros(),
            context.currentStreamTimeMs());
        forwardEnd(key, h.getHostId(), program, h.getPid(), Sources.mask(h.getSource()), h.getTimeMicros(),
            millis(h.getTimeMicros()) + 1);
    }

    /** Tells the graph that the pid no longer runs {@code program} from {@code endMicros} on. */
    private void forwardEnd(final String key, final String host, final String program, final int pid,
                            final int sourceMask, final long endMicros, final long timestampMillis) {
        context.forward(new Record<>(key, HostOutput.evidence(GraphEvent.exit(host, program, pid, sourceMask,
            endMicros)), timestampMillis));
    }

    private void dropStalePendingForks(final long streamTimeMillis) {
        final long horizonMicros = (streamTimeMillis - pendingForkRetention.toMillis()) * 1000L;
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
        stale.forEach(pendingForkKeys::remove);
    }

    // ---------------------------------------------------------------- attribution

    private void attribute(final HostEvent e, final EventHeader h, final Headers headers) {
        final HostOutput result = lookup(e, h);
        if (result != null) {
            context.forward(new Record<>(processKey(h), result, millis(h.getTimeMicros())));
        } else if (clock(e.sourcePartition()) > millis(h.getTimeMicros()) + graceMillis) {
            giveUp(e, h, headers);
        } else {
            waitForInstance(e, h);
        }
    }

    /** Keeps an event of an instance not known yet in {@link StoreNames#PENDING_EVENTS} until its exec or fork. */
    private void waitForInstance(final HostEvent e, final EventHeader h) {
        final String key = pendingKey(h);
        pendingIndex(e.sourcePartition()).add(new PendingRef(millis(h.getTimeMicros()), key));
        pendingEventKeys.add(key);
        pendingEvents.put(key, e);
    }

    /** The attributed output of an event, or null while its process instance is unknown at the event's time. */
    private HostOutput lookup(final HostEvent e, final EventHeader h) {
        final String key = processKey(h);
        final long at = millis(h.getTimeMicros());
        ProcessVersion process = latest.get(key, h.getStartTime(), at);
        if (process == null) {
            final VersionedRecord<ProcessVersion> version = programs.get(key, at);
            if (version == null || version.value().startTime() != h.getStartTime()) {
                return null; // unknown yet, exited, or a dead instance that held the same pid (pid reuse)
            }
            process = version.value();
        }
        return switch (e.type()) {
            case OPEN -> {
                final OpenEvent open = (OpenEvent) e.event();
                yield HostOutput.evidence(GraphEvent.file(h.getHostId(), process.program(), h.getPid(),
                    Sources.mask(h.getSource()), h.getTimeMicros(), open.getPath(),
                    open.getMode() == AccessMode.WRITE, Math.max(1, open.getCount())));
            }
            case CONNECT -> HostOutput.side(SocketEvent.of((ConnectEvent) e.event(), process));
            case ACCEPT -> HostOutput.side(SocketEvent.of((AcceptEvent) e.event(), process));
            default -> throw new IllegalStateException("not an attributed event type: " + e.type());
        };
    }

    /** An instance became known: the events that waited for it are attributed now, in their own time order. */
    private void resolvePendingEvents(final String host, final int pid, final ProcessVersion version) {
        for (final KeyValue<String, HostEvent> w : waitingFor(pendingEvents, pendingEventKeys,
            instancePrefix(host, pid, version.startTime()))) {
            final EventHeader h = w.value.header();
            if (w.value.type() == EventType.EXIT) {
                resolvePendingExit(w.key, w.value);
                continue;
            }
            final HostOutput result = lookup(w.value, h);
            if (result != null) {
                context.forward(new Record<>(processKey(h), result, millis(h.getTimeMicros())));
                pendingEvents.delete(w.key);
                pendingEventKeys.remove(w.key);
                pendingIndex(w.value.sourcePartition()).remove(new PendingRef(millis(h.getTimeMicros()), w.key));
            }
        }
    }

    /**
     * An exit that came before its instance's fork or exec: once a version of the instance valid at the exit is in
     * the table, the exit goes to the graph as it would have in time order (the tombstone is in the table already).
     */
    private void resolvePendingExit(final String pendingKey, final HostEvent e) {
        final EventHeader h = e.header();
        final String key = processKey(h);
        final VersionedRecord<ProcessVersion> atExit = programs.get(key, millis(h.getTimeMicros()));
        if (atExit == null || atExit.value().startTime() != h.getStartTime()) {
            return; // the version put starts after the exit (stale news), or is not this instance's
        }
        pendingEvents.delete(pendingKey);
        pendingEventKeys.remove(pendingKey);
        pendingIndex(e.sourcePartition()).remove(new PendingRef(millis(h.getTimeMicros()), pendingKey));
        latest.end(key, h.getStartTime(), millis(h.getTimeMicros()) + 1);
        forwardExit(key, h, atExit.value().program());
    }

    /** Gives up the waiting events of one source partition that its clock has carried past the grace. */
    private void giveUpDue(final int sourcePartition) {
        final TreeSet<PendingRef> refs = pendingByTime.get(sourcePartition);
        if (refs == null) {
            return;
        }
        final long now = clock(sourcePartition);
        while (!refs.isEmpty() && now > refs.first().timeMillis() + graceMillis) {
            final PendingRef due = refs.pollFirst();
            pendingEventKeys.remove(due.key());
            final HostEvent e = pendingEvents.get(due.key());
            if (e != null) {
                pendingEvents.delete(due.key());
                if (e.type() != EventType.EXIT) {
                    giveUp(e, e.header(), new RecordHeaders());
                }
            }
        }
    }

    /**
     * The time that decides whether an event from {@code sourcePartition} waited long enough: how far that input
     * partition has got. A process's exec travels in the same input partition as its events, so this does not run
     * ahead when another partition is consumed faster (a backlog, a replay), as the task's stream time would.
     * Unknown partition: the task's stream time. A partition not heard from since the task started has not
     * moved, so nothing of it is given up until it has.
     */
    private long clock(final int sourcePartition) {
        if (sourcePartition < 0) {
            return context.currentStreamTimeMs();
        }
        return partitionTime.getOrDefault(sourcePartition, Long.MIN_VALUE);
    }

    private TreeSet<PendingRef> pendingIndex(final int sourcePartition) {
        return pendingByTime.computeIfAbsent(sourcePartition, p -> new TreeSet<>());
    }

    private void giveUp(final HostEvent e, final EventHeader h, final Headers headers) {
        unattributed.get(e.type()).record();
        sendToDlq(e, h, headers, "unattributed: no exec for " + processKey(h) + " (start time " + h.getStartTime()
            + ") within grace " + graceMillis + " ms");
    }

    private void sendToDlq(final HostEvent e, final EventHeader h, final Headers headers, final String reason) {
        final String key = processKey(h);
        if (dlqWarnings.allow(System.currentTimeMillis())) {
            LOG.warn("{} event {}; sent to the DLQ ({} more since the last such message)",
                e.type().name().toLowerCase(Locale.ROOT), reason, dlqWarnings.takeHeld());
        }
        final Headers out = new RecordHeaders(headers.toArray());
        out.remove(REASON_HEADER);
        out.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        final SocketEvent side = switch (e.type()) {
            case CONNECT -> SocketEvent.of((ConnectEvent) e.event(), null);
            case ACCEPT -> SocketEvent.of((AcceptEvent) e.event(), null);
            default -> null;
        };
        context.forward(new Record<>(key, HostOutput.givenUp(e, side), millis(h.getTimeMicros()), out));
    }

    @Override
    public void close() {
        unattributed.values().forEach(s -> context.metrics().removeSensor(s));
        context.metrics().removeSensor(mispartitioned);
        unattributed.clear();
    }

    /**
     * Unique per event and the same in every replay: the instance first (so its events sit together and are found
     * by one prefix scan when its exec arrives), then the event time and the collector's own sequence.
     */
    private static String pendingKey(final EventHeader h) {
        final String time = Long.toString(h.getTimeMicros());
        return instancePrefix(h.getHostId(), h.getPid(), h.getStartTime()) + "0".repeat(Math.max(0, 20 - time.length()))
            + time + "|" + h.getCollectorRun() + "|" + h.getSequence();
    }

    /** A waiting event in the pending store, by its event time. */
    private record PendingRef(long timeMillis, String key) implements Comparable<PendingRef> {
        @Override
        public int compareTo(final PendingRef o) {
            final int byTime = Long.compare(timeMillis, o.timeMillis);
            return byTime != 0 ? byTime : key.compareTo(o.key);
        }
    }

    /**
     * What waits in a pending store under {@code prefix} (an instance), read into a list so the caller may delete as
     * it goes. The in-memory {@code keys} of that store answer "nothing" without a RocksDB scan, the common case.
     */
    private static <V> List<KeyValue<String, V>> waitingFor(final KeyValueStore<String, V> store,
                                                            final TreeSet<String> keys, final String prefix) {
        final String next = keys.ceiling(prefix);
        if (next == null || !next.startsWith(prefix)) {
            return List.of();
        }
        final List<KeyValue<String, V>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix, Serdes.String().serializer())) {
            it.forEachRemaining(waiting::add);
        }
        return waiting;
    }

    private static String instancePrefix(final String host, final int pid, final long startTime) {
        return host + "|" + pid + "|" + startTime + "|";
    }

    private static String processKey(final EventHeader h) {
        return ProcessKey.of(h.getHostId(), h.getPid());
    }

    private static long millis(final long micros) {
        return Math.floorDiv(micros, 1000L);
    }
}
