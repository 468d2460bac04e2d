package io.tether.cli.internals;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations a user types: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d}, or ISO-8601
 * ({@code PT1H}). One grammar for every sub-command so that {@code --window 24h} means the same everywhere.
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text and the accepted forms */
    public static Duration parse(final String text) {
        final String trimmed = text == null ? "" : text.trim();
        final Matcher m = SIMPLE.matcher(trimmed);
        if (m.matches()) {
            final long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (final NumberFormatException e) {
                throw invalid(trimmed);
            }
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (trimmed.startsWith("P") || trimmed.startsWith("p")) {
            try {
                final Duration d = Duration.parse(trimmed);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (final DateTimeParseException e) {
                throw invalid(trimmed);
            }
        }
        throw invalid(trimmed);
    }

    private static IllegalArgumentException invalid(final String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 30s, 5m, 24h, 7d or PT1H)");
    }
}
