package io.tether.cli.internals;

import io.tether.schemas.config.Durations;
import io.tether.schemas.config.Instants;
import io.tether.schemas.identity.ApId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for Tether's option types, so a bad value fails at parse time with one line naming the option,
 * before anything starts.
 */
public final class Converters {
    private Converters() {
    }

    /**
     * A duration in the grammar all Tether commands share ({@link Durations}), greater than zero: the flags that use
     * it (evidence windows, how long the demo runs) mean nothing at zero.
     */
    public static final class PositiveDurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(final String value) {
            try {
                return Durations.parsePositive(value);
            } catch (final IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(final String value) {
            try {
                return Instants.parse(value, Clock.systemUTC());
            } catch (final IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class ApIdConverter implements ITypeConverter<ApId> {
        @Override
        public ApId convert(final String value) {
            try {
                return ApId.parse(value);
            } catch (final IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A file that must exist and be readable now (e.g. {@code replay --in}). */
    public static final class ReadableFileConverter implements ITypeConverter<Path> {
        @Override
        public Path convert(final String value) {
            final Path path = Path.of(value);
            if (!Files.isRegularFile(path)) {
                throw new TypeConversionException("'" + value + "' does not exist or is not a regular file");
            }
            if (!Files.isReadable(path)) {
                throw new TypeConversionException("'" + value + "' is not readable");
            }
            return path;
        }
    }

    /** A Kafka topic name, checked by Kafka's own rule, so a bad one is a usage error and not a failure later. */
    public static final class TopicNameConverter implements ITypeConverter<String> {
        @Override
        public String convert(final String value) {
            try {
                Topic.validate(value);
                return value;
            } catch (final InvalidTopicException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A TCP port, 0 (ephemeral) to 65535. */
    public static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(final String value) {
            final int port;
            try {
                port = Integer.parseInt(value.trim());
            } catch (final NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a port number");
            }
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("port " + port + " is out of range 0-65535");
            }
            return port;
        }
    }
}
