package io.tether.schemas.serde;

import io.tether.schemas.serde.internals.WireFormat;

/**
 * Frames a plain Avro binary body in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, body),
 * for producers that encode the body long before they know the schema id — the collector spools bodies while the
 * registry may be down and frames them only when handing them to Kafka. {@link AvroDeserializer} reads the result.
 */
public final class ConfluentFraming {
    /** Bytes the framing adds in front of the body. */
    public static final int HEADER_SIZE = WireFormat.HEADER_SIZE;

    private ConfluentFraming() {
    }

    /** Writes the magic byte and the schema id into {@code dest[offset .. offset + HEADER_SIZE)}. */
    public static void writeHeader(final byte[] dest, final int offset, final int schemaId) {
        dest[offset] = WireFormat.MAGIC_BYTE;
        dest[offset + 1] = (byte) (schemaId >>> 24);
        dest[offset + 2] = (byte) (schemaId >>> 16);
        dest[offset + 3] = (byte) (schemaId >>> 8);
        dest[offset + 4] = (byte) schemaId;
    }

    /** A new array holding the header for {@code schemaId} followed by {@code body[offset .. offset + length)}. */
    public static byte[] frame(final int schemaId, final byte[] body, final int offset, final int length) {
        final byte[] framed = new byte[HEADER_SIZE + length];
        writeHeader(framed, 0, schemaId);
        System.arraycopy(body, offset, framed, HEADER_SIZE, length);
        return framed;
    }
}
