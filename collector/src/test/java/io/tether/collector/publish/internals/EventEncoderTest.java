package io.tether.collector.publish.internals;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.event.CaptureSource;
import io.tether.schemas.event.ConnectEvent;
import io.tether.schemas.event.EventHeader;
import io.tether.schemas.event.ExecEvent;
import io.tether.schemas.event.ExitEvent;
import io.tether.schemas.event.OpenEvent;
import io.tether.schemas.event.Protocol;
import io.tether.schemas.event.SocketAddress;
import io.tether.schemas.serde.ConfluentFraming;
import io.tether.schemas.topic.EventType;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/**
 * The encoder's arrays: room for the framing, then exactly the bytes Avro's schema-driven writer produces (the
 * generated classes' own encoders are a faster route to the same bytes, not a different format).
 */
class EventEncoderTest {

    @Test
    void framedArraysHoldAnEmptyHeaderAndTheStandardAvroBodyOfEveryEventType() throws IOException {
        final EventEncoder encoder = new EventEncoder();
        final SocketAddress client = SocketAddress.newBuilder().setIp("198.18.0.2").setPort(40_000).setPath(null).build();
        final SocketAddress server = SocketAddress.newBuilder().setIp("198.18.0.1").setPort(8080).setPath(null).build();
        final List<SpecificRecord> events = List.of(
                OpenEvent.newBuilder().setHeader(header(7, 12L)).setPath("/srv/ünïcode/data.log").setFlags(01101)
                        .setMode(AccessMode.WRITE).setCount(3).setSucceeded(true).build(),
                ExitEvent.newBuilder().setHeader(header(7, null)).setExitCode(null).build(),
                ExitEvent.newBuilder().setHeader(header(8, 4026531840L)).setExitCode(137).build(),
                ExecEvent.newBuilder().setHeader(header(9, null)).setExecutable("/usr/bin/python3")
                        .setArgv(List.of("python3", "-m", "http.server")).setCwd(null)
                        .setProgram("/usr/bin/python3 http.server").build(),
                ConnectEvent.newBuilder().setHeader(header(10, null)).setProtocol(Protocol.TCP).setLocal(client)
                        .setRemote(server).setError(0).build());
        byte[] previous = null;
        for (final SpecificRecord event : events) {
            final EventType type = EventType.of(event);
            final byte[] framed = encoder.encodeFramed(type, event);
            assertArrayEquals(new byte[ConfluentFraming.HEADER_SIZE],
                    Arrays.copyOf(framed, ConfluentFraming.HEADER_SIZE), "the header is left for the sender");
            final byte[] body = Arrays.copyOfRange(framed, ConfluentFraming.HEADER_SIZE, framed.length);
            assertArrayEquals(standardBody(event), body, type + " body");
            final SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(event.getSchema());
            assertEquals(event, reader.read(null, DecoderFactory.get().binaryDecoder(body, null)));
            assertNotSame(previous, framed, "every event gets its own array (the producer keeps it)");
            previous = framed;
        }
    }

    private static byte[] standardBody(final SpecificRecord event) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder binary = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(event.getSchema(), new SpecificData()).write(event, binary);
        binary.flush();
        return out.toByteArray();
    }

    private static EventHeader header(final int pid, final Long netns) {
        return EventHeader.newBuilder().setHostId("h1").setPid(pid).setStartTime(123_456_789L).setPpid(1).setUid(1000)
                .setTimeMicros(1_700_000_000_000_000L).setSource(CaptureSource.PROBE).setSequence(42)
                .setCollectorRun("run-1").setNetns(netns).build();
    }
}
