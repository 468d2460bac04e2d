package io.tether.collector.probe;

import io.tether.collector.support.Programs;
import io.tether.schemas.event.ExecEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A program executed from an anonymous memory file (memfd_create, then exec of /proc/self/fd/N): /proc/&lt;pid&gt;/exe
 * reads "/memfd:NAME (deleted)", no path a migration could copy. Its executable is argv[0] when that names an
 * existing file, else the memfd marker without the "(deleted)".
 */
class MemfdProgramTest {
    private static final String HOST = "memfd-host";
    /** Copies the file argv[1] into a memfd named "sealed-test" and execs it with argv[2:]. */
    private static final String RUN_FROM_MEMFD = "import os, sys\n"
            + "fd = os.memfd_create('sealed-test', 0)\n"
            + "os.write(fd, open(sys.argv[1], 'rb').read())\n"
            + "os.execv('/proc/self/fd/%d' % fd, sys.argv[2:])\n";

    @TempDir
    Path tmp;

    @Test
    void aMemfdProgramIsNamedByItsArgv0PathOrKeepsTheMemfdMarker() throws Exception {
        final String cat = Path.of("/usr/bin/cat").toRealPath().toString();
        final CapturingSink sink = new CapturingSink();
        try (ProbeChannel channel = ProbeChannel.create(tmp.resolve(HOST + ".ring"), HOST, ProbeChannelConfig.DEFAULT)) {
            channel.start(sink);
            assertEquals(cat, execOf(channel, sink, cat, cat).getExecutable(), "argv[0] names the file");
            assertEquals("/memfd:sealed-test", execOf(channel, sink, cat, "cat").getExecutable(),
                    "a bare argv[0] is no path: the memfd marker stays, without '(deleted)'");
        }
    }

    /** Runs {@code file} from a memfd with argv[0] {@code argv0} under the probe; returns the ExecEvent of the image. */
    private static ExecEvent execOf(final ProbeChannel channel, final CapturingSink sink, final String file,
                                    final String argv0) throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(Programs.python(), "-c", RUN_FROM_MEMFD, file, argv0)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("LD_PRELOAD", ProbeLibrary.require().toString());
        builder.environment().put(ProbeChannel.ENV_CHANNEL, channel.path().toString());
        final Process p = builder.start();
        try {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                final Optional<ExecEvent> exec = execs(sink, p.pid()).stream()
                        .filter(e -> e.getArgv().equals(List.of(argv0))).findFirst();
                if (exec.isPresent()) {
                    p.getOutputStream().close(); // cat reads stdin until it ends
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                    assertEquals(0, p.exitValue());
                    assertEquals(exec.get().getExecutable(), exec.get().getProgram(), "not an interpreter");
                    return exec.get();
                }
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    fail("no exec of the memfd image (" + argv0 + "): " + execs(sink, p.pid()));
                }
                Thread.sleep(20);
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<ExecEvent> execs(final CapturingSink sink, final long pid) {
        return sink.ofType(ExecEvent.class).stream().filter(e -> e.getHeader().getPid() == pid).toList();
    }
}
