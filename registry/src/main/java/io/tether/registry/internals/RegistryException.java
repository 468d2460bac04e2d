package io.tether.registry.internals;

/** A request the registry refuses or cannot serve; becomes a Confluent error body, never a stack trace. */
public final class RegistryException extends RuntimeException {

    private final ErrorCode errorCode;

    public RegistryException(final ErrorCode errorCode, final String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public RegistryException(final ErrorCode errorCode, final String message, final Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
