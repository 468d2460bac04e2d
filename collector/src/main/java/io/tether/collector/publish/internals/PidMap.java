package io.tether.collector.publish.internals;

import java.util.Arrays;

/**
 * A map from pid to a value, open-addressed over primitive ints. The publisher looks a pid up for every event
 * (its held opens, its record key); a {@code HashMap<Integer, V>} would box every pid above 127 and chase a node
 * per lookup. Single-threaded; null values are not allowed.
 */
public final class PidMap<V> {
    private static final int FREE = Integer.MIN_VALUE; // not a pid: pids are never negative
    private int[] keys;
    private Object[] values;
    private int size;
    private int mask;

    public PidMap() {
        allocate(64);
    }

    private void allocate(final int capacity) {
        keys = new int[capacity];
        Arrays.fill(keys, FREE);
        values = new Object[capacity];
        mask = capacity - 1;
        size = 0;
    }

    public int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    public V get(final int pid) {
        for (int i = slot(pid); ; i = (i + 1) & mask) {
            final int k = keys[i];
            if (k == pid) {
                return (V) values[i];
            }
            if (k == FREE) {
                return null;
            }
        }
    }

    /** Maps {@code pid} to {@code value}, replacing any previous value. */
    public void put(final int pid, final V value) {
        if (pid == FREE) {
            throw new IllegalArgumentException("pid " + pid + " cannot be a key");
        }
        if (value == null) {
            throw new IllegalArgumentException("null value for pid " + pid);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(pid);
        while (keys[i] != FREE && keys[i] != pid) {
            i = (i + 1) & mask;
        }
        if (keys[i] == FREE) {
            size++;
            keys[i] = pid;
        }
        values[i] = value;
    }

    /** Removes {@code pid}'s mapping; returns the value it had, or null. */
    @SuppressWarnings("unchecked")
    public V remove(final int pid) {
        int i = slot(pid);
        while (keys[i] != pid) {
            if (keys[i] == FREE) {
                return null;
            }
            i = (i + 1) & mask;
        }
        final V old = (V) values[i];
        // backward-shift deletion keeps every probe chain unbroken without tombstones
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != FREE; j = (j + 1) & mask) {
            final int home = slot(keys[j]);
            final boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = FREE;
        values[hole] = null;
        size--;
        return old;
    }

    public void clear() {
        Arrays.fill(keys, FREE);
        Arrays.fill(values, null);
        size = 0;
    }

    private void grow() {
        final int[] oldKeys = keys;
        final Object[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                int j = slot(oldKeys[i]);
                while (keys[j] != FREE) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
                size++;
            }
        }
    }

    private int slot(final int pid) {
        // pids are dense and sequential: spread them so neighbours do not form one long probe chain
        final int h = pid * 0x9E3779B9;
        return (h ^ h >>> 16) & mask;
    }
}
