package io.tether.collector.cli;

import io.tether.schemas.config.Durations;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Reads a flag's duration with the grammar all Tether commands share ({@link Durations}); zero is allowed because
 * {@code --scan-interval 0s} turns scanning off.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(final String value) {
        try {
            return Durations.parse(value);
        } catch (final IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
