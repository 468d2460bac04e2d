package io.tether.streams.topology.internals;

/**
 * Outcome of attributing one event to its process: either the {@code attributed} value (the event joined with its
 * program), or the {@code unattributed} event itself, given up after the grace period because no exec/fork for its
 * process instance arrived. Exactly one of the two is set.
 */
public record Attribution<E, R>(R attributed, E unattributed) {

    public static <E, R> Attribution<E, R> of(final R attributed) {
        return new Attribution<>(attributed, null);
    }

    public static <E, R> Attribution<E, R> givenUp(final E event) {
        return new Attribution<>(null, event);
    }

    public boolean isAttributed() {
        return attributed != null;
    }
}
