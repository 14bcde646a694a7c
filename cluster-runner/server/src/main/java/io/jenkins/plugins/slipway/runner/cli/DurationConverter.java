package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration the way Compose files write them: {@code 90s}, {@code 10m}, {@code 1h30m}. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 90s, 10m or 1h");
        }
    }
}
