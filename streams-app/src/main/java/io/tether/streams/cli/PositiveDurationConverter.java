package io.tether.streams.cli;

import io.tether.schemas.config.Durations;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Reads a flag's duration with the grammar all Tether commands share ({@link Durations}), refusing zero: the flags
 * that use it (an evidence window, a timeout) mean nothing at zero.
 */
public final class PositiveDurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(final String value) {
        try {
            return Durations.parsePositive(value);
        } catch (final IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
