package io.tether.collector.publish.internals;

import java.util.Arrays;
import java.util.function.LongConsumer;

/** A growable list of primitive longs (probe record positions), reused rather than reallocated. */
public final class PositionList {
    private long[] values = new long[16];
    private int size;

    public void add(final long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    public void addAll(final PositionList other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    public void forEach(final LongConsumer action) {
        for (int i = 0; i < size; i++) {
            action.accept(values[i]);
        }
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }
}
