package io.tether.cli.watch;

import io.tether.cli.ClusterOptions;
import io.tether.cli.UserException;
import io.tether.cli.internals.Converters.ApIdConverter;
import io.tether.cli.internals.Converters.TopicNameConverter;
import io.tether.schemas.Topics;
import io.tether.schemas.identity.ApId;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.MigrationSet;
import io.tether.schemas.serde.AvroDeserializer;
import io.tether.schemas.serde.SchemaRegistryException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tether watch}: follows {@code tether.migration-sets} and prints each change as a diff. The topic is keyed by
 * component, so without {@code --ap} each change is shown against the previous version of that component; with
 * {@code --ap} the set that contains the AP is tracked across merges and splits of components.
 * Reads without a consumer group, from now or from the beginning; Ctrl-C ends it.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow the migration sets and print each change as a diff.")
public final class WatchCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--ap", paramLabel = "PROGRAM@HOST", converter = ApIdConverter.class,
            description = "Only the set that contains this AP.")
    ApId ap;

    @Option(names = "--from-beginning", description = "Replay the topic from its beginning first (default: changes from now on).")
    boolean fromBeginning;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.MIGRATION_SETS, converter = TopicNameConverter.class,
            description = "Migration-set topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--max-changes", paramLabel = "N", hidden = true, defaultValue = "-1",
            description = "Stop after N printed changes (for scripts and tests).")
    long maxChanges;

    private final PrintStream out;
    private final AtomicBoolean stop = new AtomicBoolean();

    public WatchCommand() {
        this(System.out);
    }

    WatchCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        final Map<String, Object> props = new HashMap<>(cluster.clientConfigs());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final AvroDeserializer<MigrationSet> values = new AvroDeserializer<>(MigrationSet.class);
        values.configure(cluster.clientConfigs(), false);
        final Map<String, MigrationSet> components = new HashMap<>();
        MigrationSet current = null;
        long printed = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            final Thread main = Thread.currentThread();
            final Thread hook = new Thread(() -> {
                stop.set(true);
                consumer.wakeup();
                try {
                    main.join(5000);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "watch-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            final List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            out.println("tether watch: following " + topic + (ap == null ? "" : " for " + ap)
                    + (fromBeginning ? " from the beginning" : " from now") + " (Ctrl-C to stop)");
            out.flush();
            while (!stop.get() && (maxChanges < 0 || printed < maxChanges)) {
                final var records = consumer.poll(Duration.ofMillis(500));
                for (final ConsumerRecord<String, byte[]> r : records) {
                    final MigrationSet next;
                    try {
                        next = r.value() == null ? null : values.deserialize(r.topic(), r.value());
                    } catch (final SerializationException e) {
                        out.println("! skipped undecodable record at " + r.topic() + "-" + r.partition() + "@" + r.offset()
                                + ": " + e.getMessage());
                        continue;
                    }
                    final MigrationSet previous = next == null ? components.remove(r.key()) : components.put(r.key(), next);
                    final List<String> diff;
                    final String title;
                    if (ap == null) {
                        diff = MigrationSetDiff.lines(previous, next);
                        title = next == null ? "component " + r.key() + " retired" : "component " + r.key();
                    } else {
                        final MigrationSet containing = containing(components, ap.toString());
                        diff = MigrationSetDiff.lines(current, containing);
                        current = containing;
                        title = "set of " + ap;
                    }
                    if (!diff.isEmpty()) {
                        out.println("[" + TIME.format(Instant.ofEpochMilli(r.timestamp())) + "] " + title + ":");
                        diff.forEach(line -> out.println("  " + line));
                        out.flush();
                        printed++;
                        if (maxChanges >= 0 && printed >= maxChanges) {
                            break;
                        }
                    }
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final WakeupException e) {
            // Ctrl-C
        } catch (final IllegalStateException e) {
            // shutdown hook already running: the JVM is exiting
        } catch (final SchemaRegistryException e) {
            throw new UserException("cannot read schemas from the registry at " + cluster.registry() + ": " + e.getMessage(), e);
        } finally {
            values.close();
        }
        return 0;
    }

    private static MigrationSet containing(final Map<String, MigrationSet> components, final String ap) {
        for (final MigrationSet set : components.values()) {
            for (final AppMember member : set.getApps()) {
                if (member.getAp().equals(ap)) {
                    return set;
                }
            }
        }
        return null;
    }

    private List<TopicPartition> partitions(final KafkaConsumer<String, byte[]> consumer) {
        final List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        } catch (final org.apache.kafka.common.errors.TimeoutException e) {
            throw new UserException("cannot reach Kafka at " + cluster.bootstrap() + " (timed out); is tether local running?", e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new UserException("topic " + topic + " does not exist at " + cluster.bootstrap() + "; is the streams app running?");
        }
        final List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        return partitions;
    }
}
