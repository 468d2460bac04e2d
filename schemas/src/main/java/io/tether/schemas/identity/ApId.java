package io.tether.schemas.identity;

import java.util.Objects;

/**
 * An application program (AP): a program on a host, written {@code program@hostId} (DESIGN.md §2).
 * The host id may not contain '@'; the program may, so parsing splits at the last '@'.
 */
public record ApId(String program, String hostId) implements Comparable<ApId> {

    public ApId {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(hostId, "hostId");
        if (program.isBlank()) {
            throw new IllegalArgumentException("program must not be blank");
        }
        if (hostId.isBlank() || hostId.indexOf('@') >= 0 || hostId.indexOf('|') >= 0) {
            throw new IllegalArgumentException("hostId must be non-blank and contain neither '@' nor '|': " + hostId);
        }
    }

    /**
     * Parses {@code program@hostId}.
     *
     * @throws IllegalArgumentException with a message a user can act on
     */
    public static ApId parse(final String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected program@hostId, got nothing");
        }
        final int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("expected program@hostId (e.g. /usr/sbin/nginx@web-1), got '" + text + "'");
        }
        final String program = text.substring(0, at);
        if (!program.startsWith("/")) {
            throw new IllegalArgumentException("program must be an absolute path, got '" + program + "' in '" + text + "'");
        }
        return new ApId(program, text.substring(at + 1));
    }

    @Override
    public String toString() {
        return program + "@" + hostId;
    }

    @Override
    public int compareTo(final ApId other) {
        return toString().compareTo(other.toString());
    }
}
