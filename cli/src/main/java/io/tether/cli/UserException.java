package io.tether.cli;

/**
 * A failure the user can act on (a taken port, an unreachable broker, a locked data dir). {@link TetherCli} prints
 * its message as one line, without a stack trace, and exits with {@link #exitCode()}.
 */
public final class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(final String message) {
        this(message, 1, null);
    }

    public UserException(final String message, final Throwable cause) {
        this(message, 1, cause);
    }

    public UserException(final String message, final int exitCode, final Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
