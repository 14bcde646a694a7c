package io.jenkins.plugins.slipway.runner.analysis;

import java.util.concurrent.CompletableFuture;

/**
 * Measures one metric of a run, once per interval. Implementations extend {@link AbstractMetricProvider}, and
 * are made by {@link MetricProviders#create}.
 */
public interface MetricProvider {

    /** {@code router}, {@code http} or {@code webhook}. */
    String kind();

    /**
     * Called once when the run starts, one interval before the first {@link #measure}: the router provider takes its
     * baseline here so that the first measurement covers exactly the first interval.
     */
    void begin();

    /**
     * Measures and judges the interval since the previous call (or since {@link #begin}).
     *
     * @param index 1-based number of the measurement
     * @return a reading that always completes, within the metric's timeout; a failure to measure completes
     *         normally with verdict {@link Verdict#Error}, never exceptionally
     */
    CompletableFuture<Reading> measure(int index);
}
