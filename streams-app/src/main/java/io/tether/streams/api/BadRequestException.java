package io.tether.streams.api;

/** A request parameter is missing or malformed; the message tells the caller which and what is expected. */
public final class BadRequestException extends RuntimeException {

    public BadRequestException(final String message) {
        super(message, null, false, false);
    }
}
