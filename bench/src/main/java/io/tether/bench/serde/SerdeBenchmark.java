package io.tether.bench.serde;

import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.AccessMode;
import io.tether.schemas.serde.AvroDeserializer;
import io.tether.schemas.serde.AvroSerializer;
import io.tether.schemas.serde.MockSchemaRegistryClient;
import io.tether.schemas.serde.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Tether's Avro serde against a same-run baseline that does what a straightforward Confluent-style serde does
 * per record: a fresh ByteArrayOutputStream and encoder, Avro's reflective-free default writer/reader
 * (no custom coders), Avro's BinaryDecoder. Both write the same wire format (asserted in setup).
 * Run: see {@code bench/reports/serde.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerdeBenchmark {
    private static final String TOPIC = "tether.open";

    private AvroSerializer<OpenEvent> serializer;
    private AvroDeserializer<OpenEvent> deserializer;
    private SpecificDatumWriter<OpenEvent> baselineWriter;
    private SpecificDatumReader<OpenEvent> baselineReader;
    private OpenEvent event;
    private byte[] bytes;
    private int schemaId;
    private BinaryDecoder baselineDecoder;

    @Setup
    public void setUp() {
        final SchemaRegistryClient registry = new MockSchemaRegistryClient();
        serializer = new AvroSerializer<>(registry);
        deserializer = new AvroDeserializer<>(OpenEvent.class, registry);
        baselineWriter = new SpecificDatumWriter<>(OpenEvent.class);
        baselineReader = new SpecificDatumReader<>(OpenEvent.class);
        event = OpenEvent.newBuilder()
                .setHeader(EventHeader.newBuilder().setHostId("host-a.example").setPid(31337)
                        .setStartTime(1_764_000_000_000_000L).setPpid(1).setUid(1000).setTimeMicros(1_764_000_123_456_789L)
                        .setSource(CaptureSource.PROBE).setSequence(123_456_789L).setCollectorRun("6f1c2d")
                        .setNetns(null).build())
                .setPath("/var/lib/postgresql/16/main/base/16384/2619").setFlags(02).setMode(AccessMode.WRITE)
                .setCount(1).setSucceeded(true).build();
        bytes = serializer.serialize(TOPIC, event);
        schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        if (!java.util.Arrays.equals(bytes, baselineSerialize())) {
            throw new IllegalStateException("baseline and Tether serde disagree on the bytes");
        }
    }

    @Benchmark
    public byte[] serializeTether() {
        return serializer.serialize(TOPIC, event);
    }

    @Benchmark
    public byte[] serializeBaseline() {
        return baselineSerialize();
    }

    @Benchmark
    public OpenEvent deserializeTether() {
        return deserializer.deserialize(TOPIC, bytes);
    }

    @Benchmark
    public OpenEvent deserializeBaseline() throws IOException {
        if (bytes[0] != 0 || ByteBuffer.wrap(bytes, 1, 4).getInt() != schemaId) {
            throw new IllegalStateException();
        }
        baselineDecoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, baselineDecoder);
        return baselineReader.read(null, baselineDecoder);
    }

    private byte[] baselineSerialize() {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            baselineWriter.write(event, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(final String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(SerdeBenchmark.class.getSimpleName()).build()).run();
    }
}
