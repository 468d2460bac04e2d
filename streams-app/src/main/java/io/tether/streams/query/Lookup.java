package io.tether.streams.query;

/**
 * The outcome of reading one key from one copy of a store (local, or an instance the read was forwarded to).
 * {@link Unservable} means "ask another copy", not "the key does not exist".
 */
public sealed interface Lookup<V> {

    record Found<V>(V value) implements Lookup<V> {
    }

    record Absent<V>() implements Lookup<V> {
    }

    record Unservable<V>(String reason) implements Lookup<V> {
    }

    static <V> Lookup<V> ofNullable(final V value) {
        return value == null ? new Absent<>() : new Found<>(value);
    }
}
