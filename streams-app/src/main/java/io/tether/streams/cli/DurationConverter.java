package io.tether.streams.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code 500ms}, {@code 30s}, {@code 15m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT24H}) as a duration. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(final String value) {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            final long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (final DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("expected a duration such as 24h, 90m, 30s, 7d or PT24H, got '" + value + "'");
        }
    }
}
