package io.tether.collector.probe;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where the built probe library is: system property {@value #PROPERTY}, else env {@value #ENV}, else
 * {@code native/libtether-probe.so} next to the collector's classes or jar (the Maven build puts it in
 * {@code collector/target/native/}).
 */
public final class ProbeLibrary {
    public static final String PROPERTY = "tether.probe.library";
    public static final String ENV = "TETHER_PROBE_LIBRARY";
    public static final String FILE_NAME = "libtether-probe.so";

    private ProbeLibrary() {
    }

    public static Optional<Path> locate() {
        final String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        if (configured != null && !configured.isBlank()) {
            final Path p = Path.of(configured).toAbsolutePath();
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        final CodeSource source = ProbeLibrary.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            final Path codeLocation = Path.of(source.getLocation().toURI());
            final Path candidate = codeLocation.getParent().resolve("native").resolve(FILE_NAME);
            return Files.isRegularFile(candidate) ? Optional.of(candidate.toAbsolutePath()) : Optional.empty();
        } catch (final URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The library, or an exception that says how to get one. */
    public static Path require() {
        return locate().orElseThrow(() -> new IllegalStateException("the probe library " + FILE_NAME
                + " was not found: build the collector module (mvn -pl collector -am compile, needs gcc) or set -D"
                + PROPERTY + " / " + ENV));
    }
}
