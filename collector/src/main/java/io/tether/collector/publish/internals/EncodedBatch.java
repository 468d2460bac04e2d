package io.tether.collector.publish.internals;

import io.tether.schemas.topic.EventType;

/**
 * Events the encoding thread has stamped and encoded, handed to the sending thread in one piece so the two threads
 * synchronise once per batch rather than once per event. Each entry is the exact framed value the producer will
 * send (see {@link EventEncoder}) with what the spool and the record need besides. Batches are recycled.
 */
public final class EncodedBatch {
    private final EventType[] types;
    private final int[] pids;
    private final long[] timestamps;
    private final byte[][] values;
    /** Probe records this batch accounts for (its events', those folded into them, those dropped on the way). */
    private final PositionList probeRecords = new PositionList();
    private int size;

    public EncodedBatch(final int capacity) {
        types = new EventType[capacity];
        pids = new int[capacity];
        timestamps = new long[capacity];
        values = new byte[capacity][];
    }

    public void add(final EventType type, final int pid, final long timestampMillis, final byte[] framedValue) {
        types[size] = type;
        pids[size] = pid;
        timestamps[size] = timestampMillis;
        values[size] = framedValue;
        size++;
    }

    /** Notes a probe record that is kept once this batch is spooled (see DurableEventSink). */
    public void addProbeRecord(final long probeSequence) {
        probeRecords.add(probeSequence);
    }

    public PositionList probeRecords() {
        return probeRecords;
    }

    public boolean isFull() {
        return size == values.length;
    }

    public int size() {
        return size;
    }

    public EventType type(final int i) {
        return types[i];
    }

    public int pid(final int i) {
        return pids[i];
    }

    public long timestampMillis(final int i) {
        return timestamps[i];
    }

    public byte[] value(final int i) {
        return values[i];
    }

    /** Empties the batch for reuse (and lets go of the values, which the producer now owns). */
    public void clear() {
        java.util.Arrays.fill(values, 0, size, null);
        size = 0;
        probeRecords.clear();
    }
}
