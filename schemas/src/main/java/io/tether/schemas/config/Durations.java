package io.tether.schemas.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for durations a user types, so that a flag such as {@code --window 24h} or {@code --scan-interval 2s}
 * means the same in every Tether command. Accepted: a whole number with a unit {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; units in any case), a bare
 * {@code 0}, or ISO-8601 ({@code PT30S}, {@code P1D}). Negative durations are refused, and so is anything longer than
 * {@link #MAX} so that callers may convert the result to milliseconds or nanoseconds without overflow.
 * <p>
 * Modules keep only a thin adapter (e.g. a picocli converter) around {@link #parse} or {@link #parsePositive}.
 */
public final class Durations {
    /** The longest duration accepted: what a {@code long} of nanoseconds holds (about 292 years). */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    /** What the error messages list as accepted. */
    public static final String ACCEPTED_FORMS =
        "use a whole number with a unit ms, s, m, h or d (500ms, 30s, 5m, 2h, 1d), 0, or ISO-8601 (PT30S, P1D)";

    /** Examples of durations greater than zero, for {@link #parsePositive}'s message about zero. */
    public static final String POSITIVE_EXAMPLES = "500ms, 30s, 5m, 2h, 1d or ISO-8601 (PT30S, P1D)";

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private Durations() {
    }

    /**
     * @return the duration {@code text} means, possibly zero
     * @throws IllegalArgumentException with one line that quotes {@code text} and lists the accepted forms
     */
    public static Duration parse(final String text) {
        final String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw invalid(trimmed, "it is empty");
        }
        // ISO-8601 allows a sign before the 'P' (and inside); a sign is never part of the short forms
        final String unsigned = trimmed.startsWith("-") || trimmed.startsWith("+") ? trimmed.substring(1) : trimmed;
        final boolean iso = unsigned.startsWith("P") || unsigned.startsWith("p");
        final Duration duration = iso ? iso(trimmed) : shortForm(trimmed);
        if (duration.isNegative()) {
            throw invalid(trimmed, "it is negative");
        }
        if (duration.compareTo(MAX) > 0) {
            throw tooLong(trimmed);
        }
        return duration;
    }

    /**
     * Like {@link #parse}, for settings where zero makes no sense (timeouts, windows).
     *
     * @throws IllegalArgumentException also when {@code text} means zero
     */
    public static Duration parsePositive(final String text) {
        final Duration duration = parse(text);
        if (duration.isZero()) {
            // not ACCEPTED_FORMS: it offers 0, the one value refused here
            throw new IllegalArgumentException("'" + text.strip() + "' is zero, but this needs a duration greater "
                + "than zero, e.g. " + POSITIVE_EXAMPLES);
        }
        return duration;
    }

    private static Duration shortForm(final String text) {
        if (text.startsWith("-") && SHORT.matcher(text.substring(1)).matches()) {
            throw invalid(text, "it is negative");
        }
        final Matcher m = SHORT.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(text, null);
        }
        final long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (final NumberFormatException e) {
            // \d+ matched, so only the size can be wrong
            throw tooLong(text);
        }
        final String unit = m.group(2);
        if (unit == null) {
            // a bare number has no unit we could assume, except that zero is zero in any unit
            if (amount == 0) {
                return Duration.ZERO;
            }
            throw invalid(text, "it has no unit");
        }
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (final ArithmeticException e) {
            throw tooLong(text);
        }
    }

    private static Duration iso(final String text) {
        try {
            return Duration.parse(text);
        } catch (final DateTimeParseException e) {
            // the JDK reports numbers too large for a Duration with one of these as the cause
            if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
                throw tooLong(text);
            }
            throw invalid(text, null);
        }
    }

    private static IllegalArgumentException tooLong(final String text) {
        return invalid(text, "it is longer than the maximum of about 292 years");
    }

    private static IllegalArgumentException invalid(final String text, final String why) {
        return new IllegalArgumentException("'" + text + "' is not a duration" + (why == null ? "" : " (" + why + ")")
            + "; " + ACCEPTED_FORMS);
    }
}
