package io.tether.schemas.serde.internals;

/** Layout of the Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body. */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    public static int readSchemaId(final byte[] bytes, final int offset) {
        return (bytes[offset + 1] & 0xff) << 24 | (bytes[offset + 2] & 0xff) << 16
                | (bytes[offset + 3] & 0xff) << 8 | bytes[offset + 4] & 0xff;
    }

    /** Up to {@code max} bytes as hex, for error messages about bytes that are not what they should be. */
    public static String hexPrefix(final byte[] bytes, final int offset, final int length, final int max) {
        final StringBuilder sb = new StringBuilder();
        final int n = Math.min(length, max);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", bytes[offset + i] & 0xff));
        }
        if (length > max) {
            sb.append(" …");
        }
        return sb.toString();
    }
}
