package io.tether.bench.e2e;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a streams application has got, from the outside: the offsets its consumer group committed against the
 * end offsets of what it reads (input and its own repartition topics), and the end offsets of what it writes.
 *
 * <p>Under exactly-once an internal topic's end offset includes the commit marker of the last transaction; the group
 * can only commit past it once it has read something after it, so up to one offset per internal partition counts as
 * drained.
 */
final class GroupProgress {
    /** A snapshot: records still to read from the inputs and from the internal topics, and the outputs' end sum. */
    record Snapshot(long inputLag, long internalLag, long consumedInput, long outputEnd, String worstInternal) {
    }

    private final Admin admin;
    private final String groupId;
    private final Set<String> inputs;
    private final Collection<TopicPartition> outputs;

    GroupProgress(final Admin admin, final String groupId, final Set<String> inputs,
                  final Collection<TopicPartition> outputs) {
        this.admin = admin;
        this.groupId = groupId;
        this.inputs = inputs;
        this.outputs = List.copyOf(outputs);
    }

    Snapshot snapshot(final Collection<TopicPartition> inputPartitions) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(groupId)
            .partitionsToOffsetAndMetadata());
        final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        inputPartitions.forEach(tp -> query.put(tp, OffsetSpec.latest()));
        committed.keySet().forEach(tp -> query.put(tp, OffsetSpec.latest()));
        outputs.forEach(tp -> query.put(tp, OffsetSpec.latest()));
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = get(admin.listOffsets(query).all());
        long inputLag = 0;
        long internalLag = 0;
        long consumed = 0;
        for (final TopicPartition tp : inputPartitions) {
            final OffsetAndMetadata c = committed.get(tp);
            final long at = c == null ? 0 : c.offset();
            inputLag += ends.get(tp).offset() - at;
            consumed += at;
        }
        String worst = "-";
        long worstLag = 0;
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            if (!inputs.contains(e.getKey().topic()) && e.getValue() != null) {
                final long lag = Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset() - 1);
                internalLag += lag;
                if (lag > worstLag) {
                    worstLag = lag;
                    worst = e.getKey() + "=" + lag;
                }
            }
        }
        final long outputEnd = outputs.stream().collect(Collectors.summingLong(tp -> ends.get(tp).offset()));
        return new Snapshot(inputLag, internalLag, consumed, outputEnd, worst.replace(groupId + "-", ""));
    }

    /**
     * What the application wrote, per topic: its internal topics (repartition, changelog) and the given outputs, as
     * records (end offsets, commit markers included) and bytes on the broker's disk, largest first. This is the
     * write amplification: every record here is produced, appended, replicated and (repartition topics) read again.
     */
    static Volume writeVolume(final Admin admin, final String applicationId, final Collection<String> outputs,
                                    final long inputRecords) throws Exception {
        final Set<String> topics = get(admin.listTopics().names()).stream()
            .filter(t -> t.startsWith(applicationId + "-") || outputs.contains(t)).collect(Collectors.toSet());
        final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        get(admin.describeTopics(topics).allTopicNames()).forEach((name, d) -> d.partitions()
            .forEach(p -> query.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        final Map<String, Long> records = new HashMap<>();
        get(admin.listOffsets(query).all()).forEach((tp, info) -> records.merge(tp.topic(), info.offset(), Long::sum));
        final Map<String, Long> bytes = new HashMap<>();
        final Set<Integer> brokers = get(admin.describeCluster().nodes()).stream().map(n -> n.id())
            .collect(Collectors.toSet());
        get(admin.describeLogDirs(brokers).allDescriptions()).values().forEach(dirs -> dirs.values()
            .forEach(dir -> dir.replicaInfos().forEach((tp, info) -> {
                if (topics.contains(tp.topic())) {
                    bytes.merge(tp.topic(), info.size(), Long::sum);
                }
            })));
        final List<String> lines = new java.util.ArrayList<>();
        long totalRecords = 0;
        long totalBytes = 0;
        for (final String topic : records.keySet().stream()
                .sorted(java.util.Comparator.comparing((String t) -> -bytes.getOrDefault(t, 0L))).toList()) {
            final long r = records.get(topic);
            final long b = bytes.getOrDefault(topic, 0L);
            totalRecords += r;
            totalBytes += b;
            lines.add(String.format(java.util.Locale.ROOT, "    %-58s %,10d records %,14d bytes (%.2f records, %,.0f bytes per input event)",
                topic.replace(applicationId + "-", ""), r, b, (double) r / inputRecords, (double) b / inputRecords));
        }
        lines.add(0, String.format(java.util.Locale.ROOT, "  written: %,d records, %,d bytes = %.2f records, %,.0f bytes per input event",
            totalRecords, totalBytes, (double) totalRecords / inputRecords, (double) totalBytes / inputRecords));
        return new Volume(totalRecords, totalBytes, (double) totalRecords / inputRecords, lines);
    }

    /** What an application wrote in all (records incl. commit markers, bytes), per input event, and per topic. */
    record Volume(long records, long bytes, double recordsPerEvent, List<String> lines) {
    }

    private static <T> T get(final org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (final ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (final TimeoutException e) {
            throw new IllegalStateException("admin request timed out", e);
        }
    }
}
