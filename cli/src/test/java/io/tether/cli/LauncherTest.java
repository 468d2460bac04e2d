package io.tether.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tether} itself, on a copy of the repository's layout with stand-ins for {@code mvn} and {@code java}
 * on the PATH (so that no build runs): it builds when sources are newer than the last build, and only then.
 */
class LauncherTest {
    @TempDir
    Path root;

    @Test
    void aSourceChangeBuildsOnceNotOnEveryRun() throws Exception {
        final Path launcher = Path.of(System.getProperty("user.dir")).resolveSibling("bin").resolve("tether");
        assertTrue(Files.isRegularFile(launcher), launcher.toString());
        Files.createDirectories(root.resolve("bin"));
        Files.copy(launcher, root.resolve("bin/tether"));
        executable(root.resolve("bin/tether"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.createDirectories(root.resolve("cli/target/classes"));
        Files.writeString(root.resolve("cli/pom.xml"), "<project/>");
        final Path classpath = Files.writeString(root.resolve("cli/target/classpath.txt"), "/lib/a.jar");
        Files.setLastModifiedTime(classpath, FileTime.from(Instant.now().minusSeconds(3600)));
        final Path source = root.resolve("cli/src/main/java/Changed.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Changed {}");

        // mvn as dependency:build-classpath behaves when the class path is unchanged: it does not rewrite the file
        final Path tools = Files.createDirectories(root.resolve("tools"));
        final Path builds = root.resolve("builds.log");
        script(tools.resolve("mvn"), "echo build >> '" + builds + "'");
        script(tools.resolve("java"), "exit 0");

        for (int run = 0; run < 3; run++) {
            final ProcessBuilder launch = new ProcessBuilder(root.resolve("bin/tether").toString(), "--version")
                    .redirectErrorStream(true).redirectOutput(root.resolve("run" + run + ".out").toFile());
            launch.environment().put("PATH", tools + ":" + launch.environment().getOrDefault("PATH", "/usr/bin:/bin"));
            launch.environment().remove("TETHER_NO_BUILD");
            final Process p = launch.start();
            p.getOutputStream().close();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(root.resolve("run" + run + ".out")));
        }
        assertEquals(List.of("build"), Files.readAllLines(builds, StandardCharsets.UTF_8),
                "one build for the change, none for the runs after it");
    }

    private void script(final Path file, final String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        executable(file);
    }

    private static void executable(final Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
