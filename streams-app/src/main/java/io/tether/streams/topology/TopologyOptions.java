package io.tether.streams.topology;

import io.tether.schemas.Topics;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link MigrationSetTopology#buildTopology(TopologyOptions)} needs: topic names, serde settings and the
 * time windows of the method. Immutable; create with {@link #builder()}.
 *
 * <p>Times are event time (record timestamps), never wall-clock time, except {@link #emitInterval()}.
 */
public final class TopologyOptions {
    /** Default name of the compacted AP → component index topic. */
    public static final String DEFAULT_AP_INDEX_TOPIC = "tether.ap-index";

    private final String execTopic;
    private final String forkTopic;
    private final String exitTopic;
    private final String openTopic;
    private final String connectTopic;
    private final String acceptTopic;
    private final String migrationSetsTopic;
    private final String apIndexTopic;
    private final String dlqTopic;
    private final Map<String, Object> serdeConfig;
    private final Duration evidenceWindow;
    private final Duration joinWindow;
    private final Duration joinGrace;
    private final Duration pidTableGrace;
    private final Duration expiryInterval;
    private final Duration emitInterval;
    private final Duration evidenceRefresh;

    private TopologyOptions(final Builder b) {
        this.execTopic = b.execTopic;
        this.forkTopic = b.forkTopic;
        this.exitTopic = b.exitTopic;
        this.openTopic = b.openTopic;
        this.connectTopic = b.connectTopic;
        this.acceptTopic = b.acceptTopic;
        this.migrationSetsTopic = b.migrationSetsTopic;
        this.apIndexTopic = b.apIndexTopic;
        this.dlqTopic = b.dlqTopic;
        this.serdeConfig = Collections.unmodifiableMap(new HashMap<>(b.serdeConfig));
        this.evidenceWindow = b.evidenceWindow;
        this.joinWindow = b.joinWindow;
        this.joinGrace = b.joinGrace;
        this.pidTableGrace = b.pidTableGrace;
        this.expiryInterval = b.expiryInterval;
        this.emitInterval = b.emitInterval;
        this.evidenceRefresh = b.evidenceRefresh;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with these options, to change a few. */
    public Builder toBuilder() {
        final Builder b = new Builder();
        b.execTopic = execTopic;
        b.forkTopic = forkTopic;
        b.exitTopic = exitTopic;
        b.openTopic = openTopic;
        b.connectTopic = connectTopic;
        b.acceptTopic = acceptTopic;
        b.migrationSetsTopic = migrationSetsTopic;
        b.apIndexTopic = apIndexTopic;
        b.dlqTopic = dlqTopic;
        b.serdeConfig.putAll(serdeConfig);
        b.evidenceWindow = evidenceWindow;
        b.joinWindow = joinWindow;
        b.joinGrace = joinGrace;
        b.pidTableGrace = pidTableGrace;
        b.expiryInterval = expiryInterval;
        b.evidenceRefresh = evidenceRefresh;
        b.emitInterval = emitInterval;
        return b;
    }

    public String execTopic() {
        return execTopic;
    }

    public String forkTopic() {
        return forkTopic;
    }

    public String exitTopic() {
        return exitTopic;
    }

    public String openTopic() {
        return openTopic;
    }

    public String connectTopic() {
        return connectTopic;
    }

    public String acceptTopic() {
        return acceptTopic;
    }

    public String migrationSetsTopic() {
        return migrationSetsTopic;
    }

    public String apIndexTopic() {
        return apIndexTopic;
    }

    /** Where events that cannot be attributed within {@link #pidTableGrace()} go, with the reason in a header. */
    public String dlqTopic() {
        return dlqTopic;
    }

    /** Settings passed to every Avro serde ({@code schema.registry.url}, {@code auto.register.schemas}, ...). */
    public Map<String, Object> serdeConfig() {
        return serdeConfig;
    }

    /** How long coupling evidence counts after it was last seen (event time). Default 24 h. */
    public Duration evidenceWindow() {
        return evidenceWindow;
    }

    /** Largest time difference between a connect and the matching accept (clocks of two hosts differ). */
    public Duration joinWindow() {
        return joinWindow;
    }

    /** How late a connect or accept may arrive and still be paired; an unpaired side becomes EXTERNAL after it. */
    public Duration joinGrace() {
        return joinGrace;
    }

    /**
     * How long (stream time) an event whose process is not known yet waits for its late exec/fork before it is
     * given up (counted, logged, sent to the DLQ). Default 30 s.
     *
     * <p>The grace costs no latency: an event whose process is already known (the common case — the probe and the
     * {@code /proc} scan send the exec before anything the process does) is attributed and emitted at once; only
     * events that arrive before their exec wait, and they are attributed the moment the exec arrives (it travels
     * through the same host task). The grace is measured on the event's own input partition (see
     * {@code HostProcessesProcessor}). The trade-off is in the other direction: a shorter grace gives up
     * sooner on execs that are really late (a collector that lags behind another's, a slow {@code /proc} scan),
     * and a longer one keeps unattributable events in the pending store longer and delays the evidence expiry
     * (see {@link #evidenceLateness()}). 30 s covers the collectors' publish batching and a scan period.
     */
    public Duration pidTableGrace() {
        return pidTableGrace;
    }

    /** How often (event time) expired evidence is retired. */
    public Duration expiryInterval() {
        return expiryInterval;
    }

    /**
     * How often (wall-clock) changed migration sets are emitted. Changes within one interval are coalesced, so a
     * busy component costs one output record per interval instead of one per event; {@link Duration#ZERO} emits
     * after every input record.
     */
    public Duration emitInterval() {
        return emitInterval;
    }

    /**
     * How often repeated file evidence (the same AP opening the same file the same way) is passed on to the
     * coupling graph. New evidence always goes at once; repeats within this much event time only add to a count
     * that follows with the next refresh, so a busy program's opens do not all travel to the single graph task.
     * The graph therefore sees a repeat's time up to this much late: keep it below {@link #evidenceLateness()}.
     * Default 10 s; {@link Duration#ZERO} passes every event on.
     */
    public Duration evidenceRefresh() {
        return evidenceRefresh;
    }

    /**
     * How late evidence may reach the coupling graph: an event that arrived before its exec waits up to the pid
     * table's grace in the attribution, and a connection side up to the join window and grace. Evidence is retired
     * only this long after it left the window, so that reordering within the graces
     * cannot change which evidence was live when a late record arrived.
     */
    public Duration evidenceLateness() {
        return pidTableGrace.plus(joinWindow).plus(joinGrace);
    }

    /** Versioned-table history the attribution needs: the pending grace plus slack for the fork lookups. */
    public Duration processHistory() {
        return pidTableGrace.multipliedBy(2).plus(Duration.ofMinutes(1));
    }

    @Override
    public String toString() {
        return "TopologyOptions{window=" + evidenceWindow + ", join=" + joinWindow + "+" + joinGrace
                + ", pidGrace=" + pidTableGrace + ", expiryInterval=" + expiryInterval
                + ", emitInterval=" + emitInterval + ", evidenceRefresh=" + evidenceRefresh + "}";
    }

    /** Builder of {@link TopologyOptions}; defaults are the topic names of {@link Topics} and DESIGN.md's windows. */
    public static final class Builder {
        private String execTopic = Topics.EXEC;
        private String forkTopic = Topics.FORK;
        private String exitTopic = Topics.EXIT;
        private String openTopic = Topics.OPEN;
        private String connectTopic = Topics.CONNECT;
        private String acceptTopic = Topics.ACCEPT;
        private String migrationSetsTopic = Topics.MIGRATION_SETS;
        private String apIndexTopic = DEFAULT_AP_INDEX_TOPIC;
        private String dlqTopic = Topics.DLQ;
        private final Map<String, Object> serdeConfig = new HashMap<>();
        private Duration evidenceWindow = Duration.ofHours(24);
        private Duration joinWindow = Duration.ofSeconds(30);
        private Duration joinGrace = Duration.ofSeconds(30);
        private Duration pidTableGrace = Duration.ofSeconds(30);
        private Duration expiryInterval = Duration.ofSeconds(10);
        private Duration emitInterval = Duration.ofMillis(100);
        private Duration evidenceRefresh = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder execTopic(final String topic) {
            this.execTopic = topic(topic, "exec");
            return this;
        }

        public Builder forkTopic(final String topic) {
            this.forkTopic = topic(topic, "fork");
            return this;
        }

        public Builder exitTopic(final String topic) {
            this.exitTopic = topic(topic, "exit");
            return this;
        }

        public Builder openTopic(final String topic) {
            this.openTopic = topic(topic, "open");
            return this;
        }

        public Builder connectTopic(final String topic) {
            this.connectTopic = topic(topic, "connect");
            return this;
        }

        public Builder acceptTopic(final String topic) {
            this.acceptTopic = topic(topic, "accept");
            return this;
        }

        public Builder migrationSetsTopic(final String topic) {
            this.migrationSetsTopic = topic(topic, "migration-sets");
            return this;
        }

        public Builder apIndexTopic(final String topic) {
            this.apIndexTopic = topic(topic, "ap-index");
            return this;
        }

        /** Adds settings for the Avro serdes (e.g. {@code schema.registry.url}). */
        public Builder serdeConfig(final Map<String, ?> config) {
            this.serdeConfig.putAll(Objects.requireNonNull(config, "serdeConfig"));
            return this;
        }

        public Builder serdeConfig(final String key, final Object value) {
            this.serdeConfig.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder evidenceWindow(final Duration window) {
            this.evidenceWindow = positive(window, "evidenceWindow");
            return this;
        }

        public Builder joinWindow(final Duration window) {
            this.joinWindow = nonNegative(window, "joinWindow");
            return this;
        }

        public Builder joinGrace(final Duration grace) {
            this.joinGrace = nonNegative(grace, "joinGrace");
            return this;
        }

        public Builder pidTableGrace(final Duration grace) {
            this.pidTableGrace = nonNegative(grace, "pidTableGrace");
            return this;
        }

        public Builder dlqTopic(final String topic) {
            this.dlqTopic = topic(topic, "dlq");
            return this;
        }

        public Builder expiryInterval(final Duration interval) {
            this.expiryInterval = positive(interval, "expiryInterval");
            return this;
        }

        public Builder evidenceRefresh(final Duration refresh) {
            this.evidenceRefresh = nonNegative(refresh, "evidenceRefresh");
            return this;
        }

        public Builder emitInterval(final Duration interval) {
            this.emitInterval = nonNegative(interval, "emitInterval");
            return this;
        }

        public TopologyOptions build() {
            if (!serdeConfig.containsKey("schema.registry.url")) {
                throw new IllegalArgumentException("serdeConfig must contain schema.registry.url");
            }
            return new TopologyOptions(this);
        }

        private static String topic(final String name, final String what) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(what + " topic name must not be blank");
            }
            return name;
        }

        private static Duration positive(final Duration d, final String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
            }
            return d;
        }

        private static Duration nonNegative(final Duration d, final String what) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            return d;
        }
    }
}
