package io.tether.streams.topology.internals;

/**
 * What the coupling-graph processor forwards: either a migration set (or its tombstone) keyed by component id, or
 * an AP-index entry (or its tombstone) keyed by AP. The topology splits the two into their topics and tables.
 *
 * <p>A set travels already encoded for the sets topic (Confluent wire format, Avro): the graph encodes it once, to
 * check it against the record size limit, and the sink writes those bytes, instead of encoding it a second time.
 */
public record GraphOutput(boolean isSet, byte[] setRecord, String componentId) {

    /** {@code setRecord} null: the component's tombstone. */
    public static GraphOutput set(final byte[] setRecord) {
        return new GraphOutput(true, setRecord, null);
    }

    public static GraphOutput index(final String componentId) {
        return new GraphOutput(false, null, componentId);
    }
}
