package io.tether.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension running a real, in-process KRaft Kafka cluster (Kafka's own {@link KafkaClusterTestKit}).
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.singleNode();
 * </pre>
 *
 * As a static field the cluster lives for the whole test class (the cheap, usual way: starting one costs seconds);
 * as an instance field it is started and stopped around every test.
 */
public final class KafkaBrokerExtension
        implements KafkaEndpoint, BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final int brokerCount;
    private final boolean combined;
    private final Map<String, Object> brokerConfig;
    /** Settings only the controller reads (KRaft warns when brokers carry them). */
    private final Map<String, String> controllerConfig;

    private KafkaClusterTestKit cluster;
    private Admin admin;
    /** True when started by beforeEach (instance field): then afterEach stops it again. */
    private boolean startedPerTest;

    private KafkaBrokerExtension(final int brokerCount, final boolean combined, final Map<String, Object> brokerConfig,
                                 final Map<String, String> controllerConfig) {
        this.brokerCount = brokerCount;
        this.combined = combined;
        this.brokerConfig = brokerConfig;
        this.controllerConfig = controllerConfig;
    }

    /**
     * One node acting as broker and controller. Internal topics get replication factor 1 and the group
     * rebalance delay is zero: with the broker defaults (RF 3) the offsets topic is never created and
     * consumer groups never form on a single node.
     */
    public static KafkaBrokerExtension singleNode() {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("min.insync.replicas", "1");
        return new KafkaBrokerExtension(1, true, config, Map.of("default.replication.factor", "1"));
    }

    /**
     * Three brokers and one separate controller (three combined nodes do not form a working quorum in the test
     * kit). Replication factor 3 and min ISR 2, so one broker can be stopped ({@link #stopBroker(int)}) while
     * producers with {@code acks=all} keep going.
     */
    public static KafkaBrokerExtension threeBrokers() {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "3");
        config.put("offsets.topic.num.partitions", "3");
        config.put("transaction.state.log.replication.factor", "3");
        config.put("transaction.state.log.min.isr", "2");
        config.put("transaction.state.log.num.partitions", "3");
        config.put("share.coordinator.state.topic.replication.factor", "3");
        config.put("share.coordinator.state.topic.min.isr", "2");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("min.insync.replicas", "2");
        return new KafkaBrokerExtension(3, false, config, Map.of("default.replication.factor", "3"));
    }

    /** Returns this extension with an extra broker config entry (call before the cluster starts). */
    public KafkaBrokerExtension withBrokerConfig(final String key, final Object value) {
        if (cluster != null) {
            throw new IllegalStateException("the cluster is already running");
        }
        brokerConfig.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(final ExtensionContext context) {
        if (cluster == null) {
            startedPerTest = true;
            start();
        }
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        if (startedPerTest) {
            startedPerTest = false;
            stop();
        }
    }

    /** Starts the cluster and waits until every broker is ready. Called by JUnit; public for use outside JUnit. */
    public synchronized void start() {
        if (cluster != null) {
            return;
        }
        try {
            final TestKitNodes nodes = nodes();
            final KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            brokerConfig.forEach(builder::setConfigProp);
            final KafkaClusterTestKit started = builder.build();
            cluster = started;
            started.format();
            started.startup();
            started.waitForReadyBrokers();
        } catch (final Exception e) {
            stop();
            throw new IllegalStateException("could not start the in-process Kafka cluster: " + e.getMessage(), e);
        }
    }

    /** Node layout with the controller-only settings given to the controller node(s), whose ids the kit picks. */
    private TestKitNodes nodes() {
        final Map<Integer, Map<String, String>> perServer = new LinkedHashMap<>();
        nodesBuilder().build().controllerNodes().keySet().forEach(id -> perServer.put(id, controllerConfig));
        return nodesBuilder().setPerServerProperties(perServer).build();
    }

    private TestKitNodes.Builder nodesBuilder() {
        return new TestKitNodes.Builder()
                .setCombined(combined)
                .setNumBrokerNodes(brokerCount)
                .setNumControllerNodes(1);
    }

    /** Stops the cluster and deletes its data. */
    public synchronized void stop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (final Exception e) {
                throw new IllegalStateException("could not stop the in-process Kafka cluster", e);
            } finally {
                cluster = null;
            }
        }
    }

    @Override
    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    @Override
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientConfig());
        }
        return admin;
    }

    @Override
    public short replicationFactor() {
        return (short) Math.min(brokerCount, 3);
    }

    /** Number of brokers (not counting a separate controller). */
    public int brokerCount() {
        return brokerCount;
    }

    /** Broker node ids, in the order {@link #stopBroker(int)} indexes them. */
    public List<Integer> brokerIds() {
        return new ArrayList<>(running().brokers().keySet());
    }

    /** Shuts down the i-th broker (0-based index into {@link #brokerIds()}); its data stays for a restart. */
    public void stopBroker(final int index) {
        final BrokerServer broker = broker(index);
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts the i-th broker again after {@link #stopBroker(int)} and waits until all brokers are ready. */
    public void startBroker(final int index) {
        broker(index).startup();
        try {
            running().waitForReadyBrokers();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("broker " + index + " did not become ready again", e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting broker " + index, e);
        }
    }

    private BrokerServer broker(final int index) {
        final List<Integer> ids = brokerIds();
        if (index < 0 || index >= ids.size()) {
            throw new IllegalArgumentException("broker index " + index + " out of range 0.." + (ids.size() - 1));
        }
        return running().brokers().get(ids.get(index));
    }

    private synchronized KafkaClusterTestKit running() {
        if (cluster == null) {
            throw new IllegalStateException("the Kafka cluster is not running: register the extension with "
                    + "@RegisterExtension (static field for one cluster per class)");
        }
        return cluster;
    }
}
