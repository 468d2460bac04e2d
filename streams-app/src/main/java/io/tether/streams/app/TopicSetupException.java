package io.tether.streams.app;

/** The app's output or dead-letter topics could not be checked or created (brokers unreachable, not authorised). */
public final class TopicSetupException extends RuntimeException {

    public TopicSetupException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
