package io.tether.schemas.config;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The one grammar for the points in time a user types ({@code --since}, {@code --until}, {@code --as-of} of every
 * command, as the README promises): ISO-8601 with an offset ({@code 2026-11-26T05:00:00Z}), a local date-time (read in
 * the system zone), epoch milliseconds, {@code now}, or an age such as {@code 10m} meaning "ten minutes ago" (an age is
 * a {@link Durations} duration). Modules keep only a thin adapter around {@link #parse}.
 */
public final class Instants {
    private Instants() {
    }

    public static Instant parse(final String text, final Clock clock) {
        final String t = text == null ? "" : text.trim();
        if (t.equals("now")) {
            return clock.instant();
        }
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() >= 10) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (final DateTimeParseException ignored) {
            // not an offset date-time; try the other forms
        }
        try {
            return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant();
        } catch (final DateTimeParseException ignored) {
            // not a local date-time either
        }
        // a bare number too short for epoch milliseconds is no age either: '--since 0' must not quietly mean "now"
        if (!t.chars().allMatch(Character::isDigit)) {
            try {
                return clock.instant().minus(Durations.parse(t));
            } catch (final IllegalArgumentException ignored) {
                // not an age; the message below lists every form
            }
        }
        throw new IllegalArgumentException("'" + t + "' is not a time (use ISO-8601 like 2026-11-26T05:00:00Z, "
                + "epoch milliseconds, 'now', or an age like 10m for ten minutes ago)");
    }
}
