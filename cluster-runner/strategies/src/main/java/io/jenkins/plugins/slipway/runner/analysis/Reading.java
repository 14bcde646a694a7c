package io.jenkins.plugins.slipway.runner.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider measured once, judged: the figures beside the thresholds they were held against, and a
 * one-line sentence a person can read in a build log.
 *
 * @param values     measured figures in a stable order, e.g. {@code requests}, {@code successRate}, {@code p99Ms}
 * @param thresholds the limits they were judged against, e.g. {@code successRate}, {@code maxP99Ms}
 * @param message    one line ending in the verdict, e.g.
 *                   {@code success rate 71.4% < 99.0% over 140 requests (p99 38 ms <= 500 ms): FAILED}
 */
public record Reading(Verdict verdict, Map<String, Object> values, Map<String, Object> thresholds, String message) {
    public Reading {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    }

    /** A measurement that could not be made; {@code what} says why, without secrets. */
    public static Reading error(String what, Map<String, Object> thresholds) {
        return new Reading(Verdict.Error, Map.of(), thresholds, what + ": " + Verdict.Error.shout());
    }
}
