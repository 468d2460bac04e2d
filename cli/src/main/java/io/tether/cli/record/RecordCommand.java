package io.tether.cli.record;

import io.tether.cli.ClusterOptions;
import io.tether.cli.UserException;
import io.tether.cli.internals.Converters.InstantConverter;
import io.tether.cli.internals.Progress;
import io.tether.schemas.topic.EventType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tether record}: the raw events of all input topics, between two event times, into an Avro object container
 * file that {@code tether replay} (or any Avro tool) reads back.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Write the raw events of all input topics to an Avro container file (schemas inside).")
public final class RecordCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (replaced if it exists).")
    Path out;

    @Option(names = "--since", paramLabel = "TIME", converter = InstantConverter.class,
            description = "First event time to include: ISO-8601, epoch ms, or an age like 1h (default: the beginning).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Last event time to include (default: now).")
    Instant until;

    private final PrintStream console;

    public RecordCommand() {
        this(System.err);
    }

    RecordCommand(final PrintStream console) {
        this.console = console;
    }

    /** The input topics, in {@link EventType} order. */
    public static List<String> inputTopics() {
        final List<String> topics = new ArrayList<>();
        for (final EventType type : EventType.values()) {
            topics.add(type.defaultTopic());
        }
        return topics;
    }

    @Override
    public Integer call() throws IOException {
        if (since != null && until != null && since.isAfter(until)) {
            throw new UserException("--since " + since + " is after --until " + until, 2, null);
        }
        final Path target = out.toAbsolutePath();
        final Path dir = target.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserException("cannot write " + out + ": directory " + dir + " does not exist", 2, null);
        }
        final Instant end = until != null ? until : Instant.now();
        final HistoryReader reader = new HistoryReader(cluster.clientConfigs(), inputTopics());
        // write to a temporary file next to the target, so that a failed recording never leaves a truncated file
        final Path partial = Files.createTempFile(dir == null ? Path.of(".") : dir, ".tether-record", ".part");
        final Progress progress = new Progress(console, "recording");
        final long written;
        try (OutputStream stream = Files.newOutputStream(partial);
             EventRecording.Writer writer = new EventRecording.Writer(stream,
                     since == null ? 0L : since.toEpochMilli(), end.toEpochMilli())) {
            reader.read(since, end, event -> {
                try {
                    writer.append(event);
                } catch (final IOException e) {
                    throw new UserException("cannot write " + out + ": " + e.getMessage(), e);
                }
            }, progress::update);
            written = writer.count();
        } catch (final RuntimeException | IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress.done();
        console.println("tether record: " + written + " events written to " + target
                + (reader.undecodable() > 0 ? "; " + reader.undecodable() + " undecodable records skipped (see the DLQ tooling)" : ""));
        return 0;
    }
}
