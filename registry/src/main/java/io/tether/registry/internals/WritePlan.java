package io.tether.registry.internals;

/**
 * What a write request decided after looking at the up-to-date state: at most one record to append to the
 * schemas topic and the answer to give once it has been read back. No record means the state already holds it.
 */
public record WritePlan<T>(byte[] key, byte[] value, T result) {

    public static <T> WritePlan<T> nothingToWrite(final T result) {
        return new WritePlan<>(null, null, result);
    }

    public static <T> WritePlan<T> append(final byte[] key, final byte[] value, final T result) {
        return new WritePlan<>(key, value, result);
    }

    public boolean writes() {
        return key != null;
    }
}
