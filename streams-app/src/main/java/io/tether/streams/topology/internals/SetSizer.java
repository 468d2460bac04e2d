package io.tether.streams.topology.internals;

import io.tether.schemas.model.MigrationSet;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Measures the Avro record a migration set becomes, by encoding it into a counter (no bytes kept): exact, and
 * cheap next to the sink's own encoding of the same set. Not thread-safe: one per graph task.
 */
final class SetSizer {
    /** The Confluent wire format's magic byte and schema id in front of the Avro body. */
    private static final int WIRE_HEADER_BYTES = 5;

    private final SpecificDatumWriter<MigrationSet> writer = new SpecificDatumWriter<>(MigrationSet.class);
    private final CountingStream counter = new CountingStream();
    private BinaryEncoder encoder;

    /** The set's size on the wire, in bytes. */
    long bytes(final MigrationSet set) {
        counter.count = 0;
        encoder = EncoderFactory.get().binaryEncoder(counter, encoder);
        try {
            writer.write(set, encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e); // a counter does not fail
        }
        return counter.count + WIRE_HEADER_BYTES;
    }

    private static final class CountingStream extends OutputStream {
        private long count;

        @Override
        public void write(final int b) {
            count++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) {
            count += len;
        }
    }
}
