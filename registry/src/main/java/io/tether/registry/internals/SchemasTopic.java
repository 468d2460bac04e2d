package io.tether.registry.internals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.tether.registry.SchemaRegistryConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schemas topic: a single-partition compacted topic that is the registry's only storage.
 *
 * <p>Reading: one thread consumes the topic from the beginning ({@code read_committed}) for as long as the
 * registry runs and applies every record to the {@link SchemaStore}, so all instances converge on the same state.
 *
 * <p>Writing, and why two instances never hand out conflicting ids or versions: all instances share one
 * {@code transactional.id}. An instance that wants to write first takes over that id ({@code initTransactions},
 * which fences whoever held it and aborts its open transaction), then reads the topic up to its end, and only
 * then decides the id/version and appends in a transaction. Any other instance that wrote meanwhile must have
 * fenced us first, so our transaction fails, and we retry from a fresh takeover and catch-up. Hence every committed
 * record was decided by a writer that had seen every record before it: the log order is the single serial
 * order, without a separate leader election. A write returns only after our own reader has read it back.
 */
public final class SchemasTopic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemasTopic.class);
    private static final int MAX_WRITE_ATTEMPTS = 10;

    private final SchemaRegistryConfig config;
    private final LogRecordCodec codec;
    private final SchemaStore store;
    private final TopicPartition partition;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;

    private final Object appliedLock = new Object();
    /** Offset of the next record the reader will apply; guarded by appliedLock. */
    private long appliedPosition;
    private volatile boolean closing;
    private volatile long skippedRecords;

    /** The transactional writer while this instance holds the shared transactional id; guarded by this. */
    private KafkaProducer<byte[], byte[]> writer;

    private SchemasTopic(final SchemaRegistryConfig config, final LogRecordCodec codec, final SchemaStore store) {
        this.config = config;
        this.codec = codec;
        this.store = store;
        this.partition = new TopicPartition(config.topic(), 0);
        this.admin = Admin.create(Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                CommonClientConfigs.CLIENT_ID_CONFIG, "tether-registry-admin",
                CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs(),
                CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs() / 2)));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "tether-registry-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::readForever, "tether-registry-reader-" + config.topic());
        this.reader.setDaemon(true);
    }

    /**
     * Creates the topic when missing, starts reading it and returns once everything already in it is applied.
     *
     * @throws IllegalStateException when Kafka cannot be reached or the topic is unusable
     */
    public static SchemasTopic open(final SchemaRegistryConfig config, final LogRecordCodec codec, final SchemaStore store) {
        final SchemasTopic topic = new SchemasTopic(config, codec, store);
        try {
            topic.ensureTopic();
            topic.consumer.assign(List.of(topic.partition));
            topic.consumer.seekToBeginning(List.of(topic.partition));
            topic.reader.start();
            topic.catchUp(deadline(config.timeout()));
            return topic;
        } catch (final RuntimeException e) {
            topic.close();
            throw e instanceof RegistryException
                    ? new IllegalStateException(e.getMessage(), e)
                    : e;
        }
    }

    /** Records that could not be decoded and were skipped (logged one by one). */
    public long skippedRecords() {
        return skippedRecords;
    }

    /**
     * Waits until every record committed to the topic before this call has been applied, so a read that follows
     * sees writes made through any instance.
     *
     * @throws RegistryException when Kafka does not answer in time
     */
    public void catchUp(final long deadlineNanos) {
        final long end;
        try {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(partition).get(remainingMs(deadlineNanos), TimeUnit.MILLISECONDS).offset();
        } catch (final ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new RegistryException(ErrorCode.STORE_ERROR,
                    "cannot read the end of topic " + config.topic() + ": " + describe(e), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(ErrorCode.OPERATION_TIMEOUT, "interrupted while reading topic " + config.topic(), e);
        }
        awaitApplied(end, deadlineNanos);
    }

    /**
     * Decides and, when the decision needs it, appends one record as the only writer of the topic (see the class
     * comment), then waits until it has been read back. The planner runs against a state that includes every
     * record committed before the call (it may run more than once) and may throw {@link RegistryException} to
     * refuse the request.
     */
    public <T> T write(final Supplier<WritePlan<T>> planner) {
        final long deadline = deadline(config.timeout());
        // most calls need no write (a serializer registering a known schema): answer those from a caught-up
        // state without taking over the writer, which would fence the other instances for nothing
        catchUp(deadline);
        final WritePlan<T> firstLook = planner.get();
        if (!firstLook.writes()) {
            return firstLook.result();
        }
        return writeAsOnlyWriter(planner, deadline);
    }

    private synchronized <T> T writeAsOnlyWriter(final Supplier<WritePlan<T>> planner, final long deadline) {
        for (int attempt = 1; ; attempt++) {
            try {
                final KafkaProducer<byte[], byte[]> producer = takeOverWriter(deadline);
                catchUp(deadline);
                final WritePlan<T> plan = planner.get();
                if (!plan.writes()) {
                    return plan.result();
                }
                producer.beginTransaction();
                final Future<RecordMetadata> sent =
                        producer.send(new ProducerRecord<>(config.topic(), 0, plan.key(), plan.value()));
                producer.commitTransaction();
                final long offset = sent.get(remainingMs(deadline), TimeUnit.MILLISECONDS).offset();
                awaitApplied(offset + 1, deadline);
                return plan.result();
            } catch (final RegistryException e) {
                throw e;
            } catch (final Exception e) {
                discardWriter();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(ErrorCode.OPERATION_TIMEOUT, "interrupted while writing to " + config.topic(), e);
                }
                // Fenced by another instance (seen as ProducerFenced, InvalidProducerEpoch or InvalidTxnState
                // depending on where the takeover hit us) or any other failed transaction: retrying is always safe,
                // since the retry takes over again, catches up and plans anew; a write that did commit is then found.
                if (attempt < MAX_WRITE_ATTEMPTS && remainingMs(deadline) > 0 && !isTimeout(e)) {
                    LOG.info("Write to {} failed ({}); taking over again, catching up and retrying (attempt {})",
                            config.topic(), describe(e), attempt);
                    backOff(attempt);
                    continue;
                }
                final ErrorCode code = isTimeout(e) ? ErrorCode.OPERATION_TIMEOUT : ErrorCode.STORE_ERROR;
                throw new RegistryException(code, "could not write to topic " + config.topic() + ": " + describe(e), e);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> takeOverWriter(final long deadlineNanos) {
        if (writer == null) {
            final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    ProducerConfig.CLIENT_ID_CONFIG, "tether-registry-writer",
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tether-registry-" + config.topic(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(1000, remainingMs(deadlineNanos)),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs() / 2),
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs() / 2) + 1000),
                    new ByteArraySerializer(), new ByteArraySerializer());
            try {
                producer.initTransactions();
            } catch (final RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
            writer = producer;
        }
        return writer;
    }

    private void discardWriter() {
        if (writer != null) {
            writer.close(Duration.ZERO);
            writer = null;
        }
    }

    private void ensureTopic() {
        final NewTopic newTopic = new NewTopic(config.topic(), Optional.of(1), config.replicationFactor())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(newTopic)).all().get(timeoutMs(), TimeUnit.MILLISECONDS);
            LOG.info("Created schemas topic {}", config.topic());
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schemas topic " + config.topic() + " on "
                        + config.bootstrapServers() + ": " + describe(e), e);
            }
        } catch (final java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not answer within "
                    + config.timeout().toSeconds() + " s", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + config.topic(), e);
        }
        final TopicDescription description = describeWhenPropagated();
        // one partition is what makes the log order a total order of all registrations
        if (description.partitions().size() != 1) {
            throw new IllegalStateException("schemas topic " + config.topic() + " has "
                    + description.partitions().size() + " partitions; the registry needs exactly 1");
        }
    }

    /**
     * Describes the topic, retrying while the metadata of a topic created a moment ago has not reached the broker
     * yet (UnknownTopicOrPartition is retriable: a fresh single-node cluster answers it for a few hundred ms).
     */
    private TopicDescription describeWhenPropagated() {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs());
        while (true) {
            try {
                return admin.describeTopics(List.of(config.topic())).allTopicNames()
                        .get(timeoutMs(), TimeUnit.MILLISECONDS).get(config.topic());
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.RetriableException)
                        || System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot describe schemas topic " + config.topic() + ": "
                            + describe(e), e);
                }
            } catch (final java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot describe schemas topic " + config.topic() + ": "
                        + describe(e), e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + config.topic(), e);
            }
            try {
                Thread.sleep(100);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing " + config.topic(), e);
            }
        }
    }

    private void readForever() {
        while (!closing) {
            try {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    apply(record);
                }
                final long position = consumer.position(partition);
                synchronized (appliedLock) {
                    appliedPosition = position;
                    appliedLock.notifyAll();
                }
            } catch (final WakeupException e) {
                if (closing) {
                    break;
                }
            } catch (final KafkaException e) {
                // broker down or similar: keep serving what we have and keep trying
                LOG.warn("Reading {} failed, retrying: {}", config.topic(), e.getMessage());
                pause();
            }
        }
        consumer.close(Duration.ofSeconds(1));
    }

    private void apply(final ConsumerRecord<byte[], byte[]> record) {
        try {
            final LogRecordCodec.Entry entry = codec.decode(record.key(), record.value());
            if (entry instanceof LogRecordCodec.SchemaEntry schema) {
                store.applySchema(schema.schema(), schema.deleted());
            } else if (entry instanceof LogRecordCodec.ConfigEntry level) {
                store.applyConfig(level.subject(), level.level());
            }
        } catch (final IllegalArgumentException e) {
            // a foreign or corrupt record must not stop the registry; it is reported and skipped
            skippedRecords++;
            LOG.warn("Skipping unreadable record at {}-{} offset {}: {}",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    private void awaitApplied(final long position, final long deadlineNanos) {
        synchronized (appliedLock) {
            while (appliedPosition < position) {
                final long waitMs = remainingMs(deadlineNanos);
                if (waitMs <= 0 || closing) {
                    throw new RegistryException(ErrorCode.OPERATION_TIMEOUT, "timed out reading topic "
                            + config.topic() + " up to offset " + position + " (read up to " + appliedPosition + ")");
                }
                try {
                    appliedLock.wait(Math.min(waitMs, 100));
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(ErrorCode.OPERATION_TIMEOUT, "interrupted while reading " + config.topic(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (appliedLock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        consumer.wakeup();
        if (reader.isAlive()) {
            try {
                reader.join(5000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ZERO);
        }
        synchronized (this) {
            discardWriter();
        }
        admin.close(Duration.ofSeconds(1));
    }

    /** A random pause growing with the attempt, so two instances that keep fencing each other fall out of step. */
    private static void backOff(final int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(20, 100L * Math.min(attempt, 5) + 21));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int timeoutMs() {
        return (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
    }

    private static long deadline(final Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static int remainingMs(final long deadlineNanos) {
        return (int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static boolean isTimeout(final Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(final Throwable e) {
        final Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
