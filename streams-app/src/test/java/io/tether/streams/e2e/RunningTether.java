package io.tether.streams.e2e;

import io.tether.registry.SchemaRegistryConfig;
import io.tether.registry.SchemaRegistryServer;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.identity.ProcessKey;
import io.tether.schemas.serde.AvroSerde;
import io.tether.schemas.serde.AvroSerdeConfig;
import io.tether.streams.app.TetherConfig;
import io.tether.streams.app.TetherStreamsApp;
import io.tether.streams.topology.StoreNames;
import io.tether.testkit.KafkaEndpoint;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.VersionedRecord;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Test fixture: the whole of Tether on one broker — the real schema registry, the streams app with the real topology
 * and its HTTP server on loopback — and a producer that publishes input events as a collector does (Avro values in
 * the Confluent wire format against that registry, keyed by {@link ProcessKey}, record time = event time).
 * Graces and join windows are one second so that a test's events are released quickly.
 */
public final class RunningTether implements AutoCloseable {

    private final SchemaRegistryServer registry;
    private final TetherStreamsApp app;
    private final AvroSerde<SpecificRecord> values;
    private final KafkaProducer<String, SpecificRecord> events;

    private RunningTether(final SchemaRegistryServer registry, final TetherStreamsApp app, final AvroSerde<SpecificRecord> values,
                          final KafkaProducer<String, SpecificRecord> events) {
        this.registry = registry;
        this.app = app;
        this.values = values;
        this.events = events;
    }

    /** Starts the registry and the app against {@code kafka}; the app creates its topics itself. */
    public static RunningTether start(final KafkaEndpoint kafka, final Path stateDir) {
        final SchemaRegistryServer registry = SchemaRegistryServer.start(kafka.bootstrapServers(), 0);
        TetherStreamsApp app = null;
        try {
            final Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put(TetherConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
            settings.put("application.id", "tether-e2e-" + UUID.randomUUID());
            settings.put("state.dir", stateDir.toString());
            settings.put(TetherConfig.HTTP_HOST_CONFIG, "127.0.0.1");
            settings.put(TetherConfig.HTTP_PORT_CONFIG, "0");
            settings.put(TetherConfig.HTTP_ADVERTISED_HOST_CONFIG, "127.0.0.1");
            settings.put(TetherConfig.PID_TABLE_GRACE_MS_CONFIG, "1000");
            settings.put(TetherConfig.JOIN_WINDOW_MS_CONFIG, "1000");
            settings.put(TetherConfig.JOIN_GRACE_MS_CONFIG, "1000");
            app = TetherStreamsApp.withTopology(TetherConfig.load(null, Map.of(), settings)).start();

            final Map<String, Object> config = new HashMap<>(kafka.clientConfig());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            final AvroSerde<SpecificRecord> values = new AvroSerde<>(SpecificRecord.class);
            // the registry answers a registration once Kafka has it; on a busy CI machine that can take longer than
            // the client's default 10 s per request, and the registry itself gives up only after its own 30 s
            values.configure(Map.of(TetherConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url(),
                AvroSerdeConfig.READ_TIMEOUT_MS, (int) SchemaRegistryConfig.DEFAULT_TIMEOUT.toMillis() + 5_000), false);
            return new RunningTether(registry, app, values, new KafkaProducer<>(config, new StringSerializer(), values.serializer()));
        } catch (final RuntimeException e) {
            if (app != null) {
                app.close();
            }
            registry.close();
            throw e;
        }
    }

    /** Publishes an input event to its topic, keyed by its process and stamped with its event time. */
    public void send(final String topic, final SpecificRecord event) {
        final EventHeader header = header(event);
        events.send(new ProducerRecord<>(topic, null, header.getTimeMicros() / 1000,
            ProcessKey.of(header.getHostId(), header.getPid()), event));
    }

    /** Waits until every event sent so far is acknowledged by the broker. */
    public void flush() {
        events.flush();
    }

    /** Whether the app's process table has learnt which program the process runs. */
    public boolean knowsProcess(final String host, final int pid) {
        final StateQueryResult<VersionedRecord<Object>> result = app.streams().query(StateQueryRequest.inStore(StoreNames.PROCESS_TABLE)
            .withQuery(VersionedKeyQuery.<String, Object>withKey(ProcessKey.of(host, pid))));
        return result.getPartitionResults().values().stream().anyMatch(r -> r.isSuccess() && r.getResult() != null);
    }

    public TetherStreamsApp app() {
        return app;
    }

    /** The app's HTTP server: API and page. */
    public String url() {
        return "http://127.0.0.1:" + app.httpPort();
    }

    @Override
    public void close() {
        events.close();
        values.close();
        app.close();
        registry.close();
    }

    private static EventHeader header(final SpecificRecord event) {
        // every input event type carries the collector's header as its field "header"
        return (EventHeader) event.get(event.getSchema().getField("header").pos());
    }
}
