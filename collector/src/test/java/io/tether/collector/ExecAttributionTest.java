package io.tether.collector;

import io.tether.collector.probe.ProbeChannel;
import io.tether.collector.probe.ProbeLibrary;
import io.tether.collector.support.Programs;
import io.tether.collector.support.PublishedEvents;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which program an EXEC is attributed to, through a real collector into a real broker, where the process behind the
 * record has moved on by the time the collector reads it.
 */
class ExecAttributionTest {
    @RegisterExtension
    static final EventBroker KAFKA = new EventBroker();

    @TempDir
    Path dir;

    private CollectorConfig config(final String hostId) {
        return CollectorConfig.of(hostId, KAFKA.bootstrapServers(), KAFKA.registryUrl())
                .withSpoolDir(dir.resolve("spool"))
                .withChannelDir(dir.resolve("channels"))
                .withScanInterval(Duration.ZERO) // the probe's records only
                .withMetricsPort(0);
    }

    private static List<ExecEvent> execs(final List<ConsumerRecord<String, Object>> records, final String hostId,
                                         final int pid) {
        return records.stream().map(ConsumerRecord::value)
                .filter(v -> v instanceof ExecEvent e && e.getHeader().getHostId().equals(hostId)
                        && e.getHeader().getPid() == pid)
                .map(ExecEvent.class::cast).toList();
    }

    private static boolean exited(final List<ConsumerRecord<String, Object>> records, final String hostId,
                                  final int pid) {
        return records.stream().map(ConsumerRecord::value).anyMatch(v -> v instanceof ExitEvent e
                && e.getHeader().getHostId().equals(hostId) && e.getHeader().getPid() == pid);
    }

    /**
     * {@code #!/usr/bin/env bash}: the kernel runs env, env execs bash under the same pid. The collector is down
     * while that happens, so it reads env's EXEC record when /proc/&lt;pid&gt; already shows bash: the record is
     * env's all the same, and no program named after the working directory ("bash" taken as bash's script) appears.
     */
    @Test
    void anEnvShebangScriptIsItsInterpreterPlusTheScriptEvenWhenTheCollectorReadsLate() throws Exception {
        final String hostId = "exec-" + Long.toString(System.nanoTime(), 36);
        final Path work = Files.createDirectories(dir.resolve("work")).toRealPath();
        final Path input = Files.writeString(work.resolve("input.txt"), "x");
        final Path script = work.resolve("job.sh");
        Files.writeString(script, "#!/usr/bin/env bash\n: < \"$1\"\necho ready\nread -r _ || true\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        Collector.start(config(hostId)).close(); // creates the host's ring; it stays for the next collector
        final ProcessBuilder builder = new ProcessBuilder(script.toString(), input.toString()).directory(work.toFile());
        builder.environment().put("LD_PRELOAD", ProbeLibrary.require().toString());
        builder.environment().put(ProbeChannel.ENV_CHANNEL,
                CollectorConfig.channelFile(dir.resolve("channels"), hostId).toString());
        try (Programs.Running job = Programs.startWith(builder)) {
            assertEquals("ready", job.firstLine(), "env has exec'd bash, which runs the script");
            final int pid = job.pid();
            final String bash = Path.of("/proc/" + pid + "/exe").toRealPath().toString();
            try (Collector collector = Collector.start(config(hostId));
                 PublishedEvents published = new PublishedEvents(KAFKA.bootstrapServers(), KAFKA.registryUrl())) {
                published.until(r -> execs(r, hostId, pid).size() == 2, Duration.ofSeconds(60));
                job.process().getOutputStream().close(); // the script's read ends
                assertTrue(job.process().waitFor(30, TimeUnit.SECONDS));
                final List<ConsumerRecord<String, Object>> records = published.until(
                        r -> exited(r, hostId, pid), Duration.ofSeconds(60));
                assertTrue(exited(records, hostId, pid), "the script's exit was published");

                final List<ExecEvent> execs = execs(records, hostId, pid);
                assertEquals(2, execs.size(), "env's exec, then bash's: " + execs);
                final ExecEvent env = execs.stream().filter(e -> e.getArgv().get(0).endsWith("env")).findFirst()
                        .orElseThrow(() -> new AssertionError("env's exec: " + execs));
                final ExecEvent interpreter = execs.stream().filter(e -> e.getArgv().get(0).equals("bash"))
                        .findFirst().orElseThrow(() -> new AssertionError("bash's exec: " + execs));
                assertEquals(Path.of("/usr/bin/env").toRealPath().toString(), env.getExecutable(),
                        "env's record is env's, though /proc showed bash when it was read");
                assertEquals(bash, interpreter.getExecutable());
                assertEquals(bash + " " + script, interpreter.getProgram(), "the script's AP");
                assertEquals(env.getHeader().getStartTime(), interpreter.getHeader().getStartTime(),
                        "one process instance");
                for (final ExecEvent e : execs) {
                    assertTrue(!e.getProgram().equals(bash + " " + work.resolve("bash")),
                            "no program named after the working directory: " + e);
                }
                final OpenEvent open = records.stream().map(ConsumerRecord::value)
                        .filter(v -> v instanceof OpenEvent o && o.getHeader().getPid() == pid
                                && o.getPath().equals(input.toString()))
                        .map(OpenEvent.class::cast).findFirst()
                        .orElseThrow(() -> new AssertionError("the script's open of its input"));
                assertEquals(interpreter.getHeader().getStartTime(), open.getHeader().getStartTime());
            }
        }
    }
}
