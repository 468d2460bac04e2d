package io.tether.collector.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations a user types: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, or ISO-8601 {@code PT2S}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(final String value) {
        return parse(value);
    }

    public static Duration parse(final String value) {
        final String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        final Matcher m = SIMPLE.matcher(text);
        if (m.matches()) {
            final long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            final Duration iso = Duration.parse(value == null ? "" : value.trim().toUpperCase(Locale.ROOT));
            if (iso.isNegative()) {
                throw new CommandLine.TypeConversionException("duration must not be negative: '" + value + "'");
            }
            return iso;
        } catch (final DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a duration (use e.g. 500ms, 2s, 1m, 1h or PT2S)");
        }
    }
}
