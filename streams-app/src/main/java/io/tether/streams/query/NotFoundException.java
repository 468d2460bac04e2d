package io.tether.streams.query;

/** The thing asked for does not exist (an AP nobody has seen, or not at the time asked for). */
public final class NotFoundException extends RuntimeException {

    public NotFoundException(final String message) {
        super(message, null, false, false);
    }
}
