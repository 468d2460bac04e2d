package io.tether.streams.topology.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.topic.EventType;
import io.tether.streams.topology.StoreNames;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When to give up on an event whose exec has not arrived: by how far the event's own input partition has got, not
 * by the task's stream time, which another, faster-consumed partition can push ahead (a backlog, a replay).
 */
class HostProcessesProcessorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Duration GRACE = Duration.ofSeconds(5);

    @TempDir
    Path stateDir;

    private MockProcessorContext<String, HostOutput> context;
    private HostProcessesProcessor processor;
    private VersionedKeyValueStore<String, ProcessVersion> programs;
    private KeyValueStore<String, String> forks;
    private KeyValueStore<String, HostEvent> pending;
    private long sequence;

    @BeforeEach
    void setUp() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "host-processes-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props, new TaskId(1, 0), new File(stateDir.toString()));
        context.setCurrentStreamTimeMs(0L);
        final HostEventSerde serde = new HostEventSerde(java.util.Map.of(EventType.EXEC, "exec", EventType.FORK,
            "fork", EventType.EXIT, "exit", EventType.OPEN, "open", EventType.CONNECT, "connect", EventType.ACCEPT,
            "accept"), java.util.Map.of("schema.registry.url", "mock://host-processes-test"));
        programs = Stores.versionedKeyValueStoreBuilder(Stores.persistentVersionedKeyValueStore(
            StoreNames.PROCESS_TABLE, Duration.ofMinutes(5)), Serdes.String(), ProcessVersion.SERDE)
            .withLoggingDisabled().build();
        forks = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PENDING_FORKS),
            Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        pending = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PENDING_EVENTS),
            Serdes.String(), serde).withLoggingDisabled().build();
        for (final org.apache.kafka.streams.processor.StateStore store : List.of(programs, forks, pending)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        processor = new HostProcessesProcessor(GRACE, Duration.ofMinutes(1));
        processor.init(context);
    }

    @AfterEach
    void tearDown() {
        processor.close();
        programs.close();
        forks.close();
        pending.close();
    }

    @Test
    void aFasterPartitionDoesNotMakeAnEventGiveUpOnItsLateExec() {
        open(0, "h1", 100, 10, "/srv/early.db");
        // partition 1 races ahead by far more than the grace (a backlog consumed unevenly)
        open(1, "h1", 999, 10 + 10 * GRACE.toMillis(), "/tmp/elsewhere");
        punctuateStreamTime(10 + 10 * GRACE.toMillis());
        assertEquals(List.of(), givenUp(), "partition 0 has not moved: the open still waits");

        exec(0, "h1", 100, 5, "/usr/bin/early");
        final List<GraphEvent> files = evidence(GraphEvent.Kind.FILE);
        assertEquals(1, files.size());
        assertEquals("/srv/early.db", files.get(0).path());
        assertEquals("/usr/bin/early", files.get(0).program());
    }

    @Test
    void anEventIsGivenUpOnceItsOwnPartitionHasMovedPastTheGrace() {
        open(0, "h1", 100, 10, "/srv/orphan.db");
        open(0, "h1", 200, 11 + GRACE.toMillis(), "/tmp/later");
        punctuateStreamTime(11 + GRACE.toMillis());
        final List<HostEvent> dead = givenUp();
        assertEquals(1, dead.size());
        assertEquals("/srv/orphan.db", ((OpenEvent) dead.get(0).event()).getPath());
        int left = 0;
        try (var it = pending.all()) {
            while (it.hasNext()) {
                it.next();
                left++;
            }
        }
        assertEquals(1, left, "only the later open still waits");
    }

    @Test
    void aKnownProcessIsAttributedAtOnceAndAfterItsExitNoLonger() {
        exec(0, "h1", 100, 1, "/usr/bin/app");
        open(0, "h1", 100, 2, "/etc/app.conf");
        assertNotNull(evidence(GraphEvent.Kind.FILE).stream().filter(e -> "/etc/app.conf".equals(e.path()))
            .findFirst().orElse(null));
        processor.process(record(0, EventType.EXIT, io.tether.schemas.event.ExitEvent.newBuilder()
            .setHeader(header("h1", 100, 3)).setExitCode(0).build()));
        context.resetForwards();
        // an event of the same instance after its exit (cannot happen live; a clock step could) is not attributed
        open(0, "h1", 100, 50, "/etc/after-exit.conf");
        assertEquals(List.of(), evidence(GraphEvent.Kind.FILE));
    }

    private void open(final int partition, final String host, final int pid, final long atMillis, final String path) {
        processor.process(record(partition, EventType.OPEN, OpenEvent.newBuilder().setHeader(header(host, pid, atMillis))
            .setPath(path).setFlags(0).setMode(AccessMode.READ).setSucceeded(true).build()));
    }

    private void exec(final int partition, final String host, final int pid, final long atMillis, final String program) {
        processor.process(record(partition, EventType.EXEC, ExecEvent.newBuilder().setHeader(header(host, pid, atMillis))
            .setExecutable(program).setArgv(List.of(program)).setProgram(program).build()));
    }

    private Record<String, HostEvent> record(final int partition, final EventType type,
                                             final org.apache.avro.specific.SpecificRecord event) {
        final HostEvent e = new HostEvent(type, event, partition);
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), e.timeMillis()));
        return new Record<>(ProcessKey.of(e.header().getHostId(), e.header().getPid()), e, e.timeMillis());
    }

    private EventHeader header(final String host, final int pid, final long atMillis) {
        return EventHeader.newBuilder().setHostId(host).setPid(pid).setStartTime(T0 * 1000L + pid).setPpid(1)
            .setUid(0).setTimeMicros((T0 + atMillis) * 1000L).setSource(CaptureSource.PROBE).setSequence(sequence++)
            .setCollectorRun("test").build();
    }

    private void punctuateStreamTime(final long atMillis) {
        for (final MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
            if (p.getType() == PunctuationType.STREAM_TIME) {
                p.getPunctuator().punctuate(T0 + atMillis);
            }
        }
    }

    private List<HostEvent> givenUp() {
        return context.forwarded().stream().map(f -> f.record().value().givenUp())
            .filter(java.util.Objects::nonNull).toList();
    }

    private List<GraphEvent> evidence(final GraphEvent.Kind kind) {
        return context.forwarded().stream().map(f -> f.record().value().evidence())
            .filter(e -> e != null && e.kind() == kind).toList();
    }
}
