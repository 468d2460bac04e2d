package io.tether.collector.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** strace output captured on a real machine (src/test/resources/strace), read through a {@link StraceParser}. */
final class Fixtures {
    private Fixtures() {
    }

    static List<String> lines(final String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/strace/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<StraceRecord> records(final StraceParser parser, final String name) {
        final List<StraceRecord> out = new ArrayList<>();
        for (final String line : lines(name)) {
            parser.parse(line).ifPresent(out::add);
        }
        return out;
    }
}
