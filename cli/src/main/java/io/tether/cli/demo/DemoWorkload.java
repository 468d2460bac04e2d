package io.tether.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo's small real programs (Python scripts shipped as resources) and the files they use:
 * <ul>
 *   <li>web-1: {@code frontend.py} reads {@code frontend.conf} and calls the app server on app-1;
 *       {@code report.py} only reads the same {@code frontend.conf} — read-only sharing couples nobody.</li>
 *   <li>app-1: {@code appserver.py} accepts the front end, appends to {@code orders.db} and calls the key-value
 *       store on db-1; {@code batch.py} also appends to {@code orders.db} — a written shared file couples.</li>
 *   <li>db-1: {@code kvstore.py} answers the app server.</li>
 * </ul>
 * So the front end's migration set is {frontend, appserver, batch, kvstore} with orders.db MOVE and frontend.conf
 * COPY, and the reporting job is not in it.
 */
final class DemoWorkload implements AutoCloseable {
    static final List<String> HOST_IDS = List.of("web-1", "app-1", "db-1");
    static final int WEB = 0;
    static final int APP = 1;
    static final int DB = 2;
    static final List<String> SCRIPTS = List.of("frontend.py", "report.py", "appserver.py", "batch.py", "kvstore.py");

    /** A program of the demo: its script and the host (index into {@link #HOST_IDS}) it runs on. */
    record Program(String script, int host) {
    }

    static final List<Program> PROGRAMS = List.of(new Program("frontend.py", WEB), new Program("report.py", WEB),
            new Program("appserver.py", APP), new Program("batch.py", APP), new Program("kvstore.py", DB));

    private final List<Process> processes = new ArrayList<>();
    private final Path workDir;

    private DemoWorkload(final Path workDir) {
        this.workDir = workDir;
    }

    Path workDir() {
        return workDir;
    }

    /**
     * Writes the scripts and the front end's config under {@code workDir} and starts every program with the probe
     * loaded, feeding the channel of its host.
     *
     * @param probeEnv per host id, the environment that loads the probe (LD_PRELOAD, channel)
     * @param rounds   how many iterations each program runs (about one per second)
     */
    static DemoWorkload start(final Path workDir, final DemoHosts hosts, final Map<String, Map<String, String>> probeEnv,
                              final String python, final int appPort, final int kvPort, final int rounds) throws IOException {
        final Path bin = Files.createDirectories(workDir.resolve("bin"));
        for (final String script : SCRIPTS) {
            try (InputStream in = DemoWorkload.class.getResourceAsStream(script)) {
                if (in == null) {
                    throw new IOException("demo script " + script + " is missing from the build");
                }
                Files.copy(in, bin.resolve(script), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        final Path config = Files.createDirectories(workDir.resolve("web")).resolve("frontend.conf");
        Files.writeString(config, "# front end settings\nbackend=app-1\ntimeout=5s\n");
        final Path data = Files.createDirectories(workDir.resolve("app")).resolve("orders.db");
        Files.writeString(data, "");

        final DemoWorkload workload = new DemoWorkload(workDir);
        final String n = Integer.toString(rounds);
        final DemoHosts.Host web = hosts.host(WEB);
        final DemoHosts.Host app = hosts.host(APP);
        final DemoHosts.Host db = hosts.host(DB);
        try {
            // servers first, so the clients' first calls find them
            workload.launch(db, probeEnv, python, bin.resolve("kvstore.py"), Integer.toString(kvPort), n);
            workload.launch(app, probeEnv, python, bin.resolve("appserver.py"), Integer.toString(appPort), data.toString(),
                    db.address(), Integer.toString(kvPort), n);
            workload.launch(app, probeEnv, python, bin.resolve("batch.py"), data.toString(), n);
            workload.launch(web, probeEnv, python, bin.resolve("frontend.py"), config.toString(), app.address(),
                    Integer.toString(appPort), n);
            workload.launch(web, probeEnv, python, bin.resolve("report.py"), config.toString(), n);
        } catch (final IOException | RuntimeException e) {
            workload.close();
            throw e;
        }
        return workload;
    }

    private void launch(final DemoHosts.Host host, final Map<String, Map<String, String>> probeEnv, final String python,
                        final Path script, final String... args) throws IOException {
        // 'env' sets the probe variables inside the namespace, so that only the program itself (not 'ip netns
        // exec') runs with the probe loaded
        final List<String> command = new ArrayList<>();
        command.add("env");
        probeEnv.get(host.hostId()).forEach((k, v) -> command.add(k + "=" + v));
        command.add(python);
        command.add(script.toString());
        command.addAll(List.of(args));
        final Path log = workDir.resolve(script.getFileName().toString().replace(".py", ".log"));
        processes.add(host.processBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    }

    boolean anyAlive() {
        return processes.stream().anyMatch(Process::isAlive);
    }

    void awaitEnd(final long millis) throws InterruptedException {
        final long deadline = System.currentTimeMillis() + millis;
        for (final Process p : processes) {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !p.waitFor(left, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    @Override
    public void close() {
        for (final Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (final Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
