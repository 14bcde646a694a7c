package io.jenkins.plugins.slipway.runner.release.spec;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What to measure and how to judge it: every {@code interval}, each metric is measured once; a metric fails
 * when more than {@code failureLimit} of its measurements failed (or errored), and is inconclusive when more
 * than {@code inconclusiveLimit} were inconclusive. The run's verdict is the worst of its metrics'.
 *
 * @param metrics           at least one
 * @param interval          time between measurements; the first measurement is taken one interval after the start
 * @param count             measurements per metric; 0 means "until the run is cancelled" (background analysis)
 * @param failureLimit      failed or errored measurements tolerated per metric
 * @param inconclusiveLimit inconclusive measurements tolerated per metric
 */
public record AnalysisSpec(List<MetricSpec> metrics, Duration interval, int count, int failureLimit,
                           int inconclusiveLimit) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** An inline analysis measures this many times unless told otherwise. */
    public static final int DEFAULT_INLINE_COUNT = 3;

    public AnalysisSpec {
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("an analysis needs at least one metric");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        if (count < 0 || failureLimit < 0 || inconclusiveLimit < 0) {
            throw new IllegalArgumentException("count and limits must be >= 0");
        }
    }

    /** True when the run only ends by a failure, an inconclusive verdict or cancellation. */
    public boolean isUnbounded() {
        return count == 0;
    }

    /** One line for the build log: {@code traffic, health every 10s x3}. */
    public String describe() {
        String names = metrics.stream().map(MetricSpec::name).collect(Collectors.joining(", "));
        return names + " every " + Durations.format(interval) + (count == 0 ? " until the release ends" : " x" + count);
    }
}
