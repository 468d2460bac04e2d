package io.tether.collector.trace;

import io.tether.collector.EventBroker;
import io.tether.collector.probe.ProcessStartTime;
import io.tether.collector.support.Programs;
import io.tether.collector.support.PublishedEvents;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.identity.ProcessKey;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tether trace} on a real program, publishing into a real broker through the real schema registry. */
class TraceKafkaTest {
    @RegisterExtension
    static final EventBroker KAFKA = new EventBroker();

    @TempDir
    Path dir;

    @Test
    void aTracedProgramAndItsChildrenArePublishedAsStraceEventsWithTheirRealIdentities() throws Exception {
        TraceRun.requireStrace();
        final String python = Programs.python();
        final Path script = Programs.script("trace_pair.py");
        final Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        final String hostId = "trace-" + Long.toString(System.nanoTime(), 36);

        final TraceRun run = TraceRun.of(List.of("--host-id", hostId, "--bootstrap", KAFKA.bootstrapServers(),
                "--registry", KAFKA.registryUrl(), "--spool-dir", dir.resolve("spool").toString(), "--",
                python, script.toString(), work.toString()), Map.of(), dir);

        // the command's output and exit code pass through; the trace never shows up in them
        assertEquals(5, run.code(), run.stderr());
        final List<String> out = run.stdout().lines().toList();
        assertTrue(out.get(0).startsWith("ready "), run.stdout());
        assertTrue(out.contains("from the child"), "cat's output: " + run.stdout());
        assertTrue(run.stderr().contains("to-stderr"), run.stderr());
        assertFalse(run.stdout().contains("openat(") || run.stderr().contains("openat("), "strace output stays apart");
        final String[] ready = out.get(0).split(" ");
        final String[] child = out.stream().filter(l -> l.startsWith("child ")).findFirst().orElseThrow().split(" ");
        final int parentPid = Integer.parseInt(ready[2]);
        final int childPid = Integer.parseInt(child[1]);
        final ProcessStartTime clock = ProcessStartTime.ofThisBoot();

        try (PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), KAFKA.registryUrl())) {
            // 'tether trace' waited for Kafka's acknowledgements before it ended; a poll may still return one topic
            // before another, so wait for the last event of each kind the assertions use
            final List<ConsumerRecord<String, Object>> records = published.until(r ->
                    has(r, hostId, ExitEvent.class, parentPid) && has(r, hostId, ExitEvent.class, childPid)
                            && has(r, hostId, ConnectEvent.class, childPid) && has(r, hostId, AcceptEvent.class, parentPid)
                            && r.stream().filter(x -> x.value() instanceof ExitEvent e
                                    && e.getHeader().getHostId().equals(hostId)).count() == 4
                            && r.stream().filter(x -> x.value() instanceof OpenEvent o && o.getHeader().getHostId()
                                    .equals(hostId) && o.getPath().startsWith(work.toString())).count() >= 4,
                    Duration.ofSeconds(60));
            final List<ConsumerRecord<String, Object>> ours = records.stream()
                    .filter(r -> PublishedEvents.header(r).getHostId().equals(hostId)).toList();
            assertTrue(ours.stream().allMatch(r -> PublishedEvents.header(r).getSource() == CaptureSource.STRACE));
            assertTrue(ours.stream().allMatch(r -> r.key().equals(ProcessKey.of(hostId, PublishedEvents.header(r).getPid()))));
            final Set<Long> sequences = new HashSet<>();
            ours.forEach(r -> sequences.add(PublishedEvents.header(r).getSequence()));
            assertEquals(ours.size(), sequences.size(), "the publisher numbered every event once");

            // process identity: the start time /proc gave each process itself, as the probe and scanner use it
            final long parentStart = clock.epochMicros(Long.parseLong(ready[3]));
            final long childStart = clock.epochMicros(Long.parseLong(child[2]));
            final ExecEvent exec = one(ours, ExecEvent.class, parentPid);
            assertEquals(python + " " + script, exec.getProgram());
            assertEquals(parentStart, exec.getHeader().getStartTime());
            final ForkEvent fork = one(ours, ForkEvent.class, childPid);
            assertEquals(parentPid, fork.getParentPid());
            assertEquals(parentStart, fork.getParentStartTime());
            assertEquals(childStart, fork.getHeader().getStartTime());
            ours.stream().filter(r -> PublishedEvents.header(r).getPid() == childPid)
                    .forEach(r -> assertEquals(childStart, PublishedEvents.header(r).getStartTime(), r.value().toString()));

            // files, with modes and outcome, paths made absolute
            final List<OpenEvent> opens = all(ours, OpenEvent.class, childPid);
            assertEquals(AccessMode.WRITE, open(opens, work.resolve("written.txt")).getMode());
            assertEquals(AccessMode.WRITE, open(opens, work.resolve("shared.db")).getMode());
            assertEquals(AccessMode.READ, open(opens, Path.of("/etc/hostname")).getMode());
            assertFalse(open(opens, Path.of("/etc/no-such-file.txt")).getSucceeded());
            assertEquals(AccessMode.READ, open(all(ours, OpenEvent.class, parentPid), work.resolve("written.txt")).getMode());

            // the connection: both sides carry the same 4-tuple
            final ConnectEvent connect = one(ours, ConnectEvent.class, childPid);
            final AcceptEvent accept = one(ours, AcceptEvent.class, parentPid);
            assertEquals(Protocol.TCP, connect.getProtocol());
            assertEquals(Protocol.TCP, accept.getProtocol());
            assertEquals("127.0.0.1", accept.getLocal().getIp());
            assertEquals(Integer.parseInt(ready[1]), accept.getLocal().getPort());
            assertEquals(accept.getLocal(), connect.getRemote());
            assertEquals(accept.getRemote(), connect.getLocal());
            assertEquals(0, connect.getError());

            // the shell os.system() started is a child of the program and runs cat as its own child
            final ExecEvent cat = ours.stream().map(ConsumerRecord::value).filter(ExecEvent.class::isInstance)
                    .map(ExecEvent.class::cast).filter(e -> e.getArgv().equals(List.of("cat", "written.txt")))
                    .findFirst().orElseThrow();
            final int shell = one(ours, ForkEvent.class, cat.getHeader().getPid()).getParentPid();
            assertEquals(parentPid, one(ours, ForkEvent.class, shell).getParentPid());

            assertEquals(3, one(ours, ExitEvent.class, childPid).getExitCode());
            assertEquals(5, one(ours, ExitEvent.class, parentPid).getExitCode());
        }
    }

    private static boolean has(final List<ConsumerRecord<String, Object>> records, final String hostId,
                               final Class<?> type, final int pid) {
        return records.stream().anyMatch(r -> type.isInstance(r.value())
                && PublishedEvents.header(r).getHostId().equals(hostId) && PublishedEvents.header(r).getPid() == pid);
    }

    private static <T> List<T> all(final List<ConsumerRecord<String, Object>> records, final Class<T> type, final int pid) {
        return records.stream().map(ConsumerRecord::value).filter(type::isInstance).map(type::cast)
                .filter(e -> ((EventHeader) ((org.apache.avro.specific.SpecificRecord) e).get(0)).getPid() == pid).toList();
    }

    private static <T> T one(final List<ConsumerRecord<String, Object>> records, final Class<T> type, final int pid) {
        final List<T> found = all(records, type, pid);
        assertEquals(1, found.size(), type.getSimpleName() + " of " + pid + ": " + found);
        return found.get(0);
    }

    private static OpenEvent open(final List<OpenEvent> opens, final Path path) {
        return opens.stream().filter(o -> o.getPath().equals(path.toString())).findFirst()
                .orElseThrow(() -> new AssertionError("no open of " + path + " in " + opens));
    }
}
