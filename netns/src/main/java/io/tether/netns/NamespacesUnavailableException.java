package io.tether.netns;

/** This machine does not let us create network namespaces (no root, no CAP_SYS_ADMIN, or no iproute2). */
public final class NamespacesUnavailableException extends RuntimeException {
    public NamespacesUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
