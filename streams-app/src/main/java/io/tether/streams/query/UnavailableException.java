package io.tether.streams.query;

/**
 * The answer exists somewhere but cannot be read right now (a rebalance is moving the key, its owner and standbys
 * are unreachable, the instance is starting): the caller should retry after {@link #retryAfterSeconds()}.
 */
public final class UnavailableException extends RuntimeException {

    public static final int DEFAULT_RETRY_AFTER_SECONDS = 2;

    private final int retryAfterSeconds;

    public UnavailableException(final String message) {
        this(message, DEFAULT_RETRY_AFTER_SECONDS);
    }

    public UnavailableException(final String message, final int retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
