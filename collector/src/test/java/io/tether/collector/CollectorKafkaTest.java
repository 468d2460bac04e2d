package io.tether.collector;

import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.collector.scan.NetnsScope;
import io.tether.collector.support.Programs;
import io.tether.collector.support.PublishedEvents;
import io.tether.schemas.Topics;
import io.tether.schemas.event.AcceptEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ForkEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.identity.ProcessKey;
import io.tether.netns.NetnsHost;
import io.tether.netns.NetnsHosts;
import io.tether.testkit.netns.TestHosts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Collectors publishing into a real broker through the real schema registry. */
class CollectorKafkaTest {
    @RegisterExtension
    static final EventBroker KAFKA = new EventBroker();

    @TempDir
    Path dir;

    private CollectorConfig config(final String hostId) {
        return CollectorConfig.of(hostId, KAFKA.bootstrapServers(), KAFKA.registryUrl())
                .withSpoolDir(dir.resolve("spool-" + hostId))
                .withChannelDir(dir.resolve("channels"))
                .withScanInterval(Duration.ofMillis(300))
                .withMetricsPort(0);
    }

    @Test
    void connectFromH2AndAcceptOnH1CarryTheSameFourTupleAndTheirProcesses() throws Exception {
        try (NetnsHosts hosts = TestHosts.create(2)) {
            final NetnsHost h1 = hosts.host(1);
            final NetnsHost h2 = hosts.host(2);
            h2.requireRouteInside(h1.address());
            final String id1 = hosts.prefix() + "-h1";
            final String id2 = hosts.prefix() + "-h2";
            final String python = Programs.python();
            final Path serverScript = Programs.script("tcp_server.py");
            final Path clientScript = Programs.script("tcp_client.py");
            try (Programs.Running server = Programs.start(h1.command(List.of(python, serverScript.toString(),
                    h1.address(), "0", dir.resolve("rw.log").toString(), Files.writeString(dir.resolve("ro"), "x").toString())));
                 Collector c1 = Collector.start(config(id1).withScope(NetnsScope.named(h1.namespace())));
                 Collector c2 = Collector.start(config(id2).withScope(NetnsScope.named(h2.namespace())));
                 Programs.Running client = Programs.start(h2.command(List.of(python, clientScript.toString(),
                         h1.address(), server.word(1))));
                 PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), KAFKA.registryUrl())) {
                final List<ConsumerRecord<String, Object>> records = published.until(
                        r -> find(r, AcceptEvent.class, id1).isPresent() && find(r, ConnectEvent.class, id2).isPresent(),
                        Duration.ofSeconds(60));
                final ConsumerRecord<String, Object> acceptRecord = find(records, AcceptEvent.class, id1).orElseThrow();
                final ConsumerRecord<String, Object> connectRecord = find(records, ConnectEvent.class, id2).orElseThrow();
                final AcceptEvent accept = (AcceptEvent) acceptRecord.value();
                final ConnectEvent connect = (ConnectEvent) connectRecord.value();

                assertEquals(h1.address(), accept.getLocal().getIp());
                assertEquals(Integer.parseInt(server.word(1)), accept.getLocal().getPort());
                assertEquals(h2.address(), connect.getLocal().getIp());
                assertEquals(accept.getLocal(), connect.getRemote());
                assertEquals(accept.getRemote(), connect.getLocal());

                assertEquals(server.pid(), accept.getHeader().getPid());
                assertEquals(client.pid(), connect.getHeader().getPid());
                assertEquals(ProcessKey.of(id1, server.pid()), acceptRecord.key());
                assertEquals(ProcessKey.of(id2, client.pid()), connectRecord.key());
                assertEquals(Topics.ACCEPT, acceptRecord.topic());
                assertEquals(accept.getHeader().getTimeMicros() / 1000, acceptRecord.timestamp());
                assertEquals(c1.collectorRun(), accept.getHeader().getCollectorRun());

                // the program and instance behind each side, as the streams app will join them
                final ExecEvent serverExec = exec(records, id1, server.pid());
                final ExecEvent clientExec = exec(records, id2, client.pid());
                assertEquals(python + " " + serverScript, serverExec.getProgram());
                assertEquals(python + " " + clientScript, clientExec.getProgram());
                assertEquals(serverExec.getHeader().getStartTime(), accept.getHeader().getStartTime());
                assertEquals(clientExec.getHeader().getStartTime(), connect.getHeader().getStartTime());
                assertTrue(records.stream().noneMatch(r -> PublishedEvents.header(r).getHostId().equals(id1)
                        && PublishedEvents.header(r).getPid() == client.pid()), "h1's collector covers only h1");
            }
        }
    }

    @Test
    void aForkedChildsOpensCarryTheServersLineageAndAChildThatExecsBecomesItsOwnProgram() throws Exception {
        final Path library = ProbeLibrary.require();
        final String hostId = "fork-" + Long.toString(System.nanoTime(), 36);
        final Path log = dir.resolve("served.log");
        final String python = Programs.python();
        try (Collector collector = Collector.start(config(hostId).withScanInterval(Duration.ZERO))) {
            final ProcessBuilder serverBuilder = new ProcessBuilder(python, Programs.script("forking_server.py").toString(),
                    "127.0.0.1", log.toString());
            serverBuilder.environment().put("LD_PRELOAD", library.toString());
            serverBuilder.environment().put(ProbeChannel.ENV_CHANNEL,
                    CollectorConfig.channelFile(collector.config().channelDir(), hostId).toString());
            try (Programs.Running server = Programs.startWith(serverBuilder);
                 PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), KAFKA.registryUrl())) {
                final String port = server.word(1);
                assertEquals("done", request(python, port, "write"));
                assertEquals("served", request(python, port, "exec"));

                final List<ConsumerRecord<String, Object>> records = published.until(r -> r.stream().anyMatch(
                        x -> x.value() instanceof ExecEvent e && e.getHeader().getHostId().equals(hostId)
                                && e.getExecutable().equals("/bin/cat") || x.value() instanceof ExecEvent e2
                                && e2.getHeader().getHostId().equals(hostId) && e2.getExecutable().equals("/usr/bin/cat")),
                        Duration.ofSeconds(60));
                final List<ForkEvent> forks = records.stream().map(ConsumerRecord::value).filter(ForkEvent.class::isInstance)
                        .map(ForkEvent.class::cast).filter(f -> f.getHeader().getHostId().equals(hostId)
                                && f.getParentPid() == server.pid()).toList();
                assertEquals(2, forks.size(), "one child per connection: " + forks);
                final ExecEvent serverExec = exec(records, hostId, server.pid());
                assertEquals(CaptureSource.PROBE, serverExec.getHeader().getSource());

                // the writing child never exec'd: its open is attributed through its fork to the server's program
                final int writer = forks.get(0).getHeader().getPid();
                final OpenEvent write = records.stream().map(ConsumerRecord::value).filter(OpenEvent.class::isInstance)
                        .map(OpenEvent.class::cast).filter(o -> o.getHeader().getHostId().equals(hostId)
                                && o.getHeader().getPid() == writer && o.getPath().equals(log.toString()))
                        .findFirst().orElseThrow(() -> new AssertionError("no open of " + log + " by child " + writer));
                assertEquals(AccessMode.WRITE, write.getMode());
                assertEquals(forks.get(0).getParentStartTime(), serverExec.getHeader().getStartTime());
                assertTrue(records.stream().noneMatch(r -> r.value() instanceof ExecEvent e
                        && e.getHeader().getHostId().equals(hostId) && e.getHeader().getPid() == writer),
                        "the writing child runs the server's program");

                // the second child exec'd /bin/cat: a program of its own, same pid as the fork
                final int execer = forks.get(1).getHeader().getPid();
                final ExecEvent cat = exec(records, hostId, execer);
                assertTrue(cat.getProgram().endsWith("/cat"), cat.getProgram());
                assertTrue(records.stream().anyMatch(r -> r.value() instanceof OpenEvent o
                        && o.getHeader().getPid() == execer && o.getPath().equals(log.toString())
                        && o.getMode() == AccessMode.READ), "cat's read of the log is its own");
            }
        }
    }

    private static String request(final String python, final String port, final String what) throws Exception {
        final Process p = new ProcessBuilder(python, Programs.script("request.py").toString(), "127.0.0.1", port, what)
                .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    private static <T> Optional<ConsumerRecord<String, Object>> find(final List<ConsumerRecord<String, Object>> records,
                                                                     final Class<T> type, final String hostId) {
        return records.stream().filter(r -> type.isInstance(r.value()))
                .filter(r -> PublishedEvents.header(r).getHostId().equals(hostId)).findFirst();
    }

    private static ExecEvent exec(final List<ConsumerRecord<String, Object>> records, final String hostId, final int pid) {
        return records.stream().map(ConsumerRecord::value).filter(ExecEvent.class::isInstance).map(ExecEvent.class::cast)
                .filter(e -> e.getHeader().getHostId().equals(hostId) && e.getHeader().getPid() == pid)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no exec of pid " + pid + " on " + hostId));
    }
}
