package io.jenkins.plugins.slipway.runner.analysis;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One measurement of one metric in a run: what the server turns into an {@code AnalysisMeasured} event.
 *
 * @param metric   the metric's name in the spec
 * @param provider {@code router}, {@code http} or {@code webhook}
 * @param index    1-based number of this measurement within the run
 * @param count    measurements the run will take per metric; 0 for a background run that goes on until cancelled
 * @param at       when the measurement was taken (the scheduler's clock)
 */
public record Measurement(String metric, String provider, int index, int count, Instant at, Verdict verdict,
                          Map<String, Object> values, Map<String, Object> thresholds, String message) {
    public Measurement {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
        // Insertion order is kept: events list the figures in the order a person reads them.
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    }

    static Measurement of(String metric, String provider, int index, int count, Instant at, Reading r) {
        return new Measurement(metric, provider, index, count, at, r.verdict(), r.values(), r.thresholds(),
                r.message());
    }

    /**
     * The data of an {@code AnalysisMeasured} event, ready for any JSON writer: plain maps, numbers and strings,
     * {@code at} as ISO-8601 text.
     */
    public Map<String, Object> toEventData() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", metric);
        m.put("provider", provider);
        m.put("index", index);
        m.put("count", count);
        m.put("at", at.toString());
        m.put("verdict", verdict.name());
        m.put("values", values);
        m.put("thresholds", thresholds);
        m.put("message", message);
        return m;
    }

    /** The line for the build log: {@code traffic #2/3: success rate 71.4% < 99.0% over 140 requests ...: FAILED}. */
    public String describe() {
        return metric + " #" + index + (count > 0 ? "/" + count : "") + ": " + message;
    }
}
