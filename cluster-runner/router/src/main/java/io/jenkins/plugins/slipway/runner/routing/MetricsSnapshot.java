package io.jenkins.plugins.slipway.runner.routing;

/**
 * Cumulative traffic figures of one revision on one route at one instant. Two snapshots give the figures
 * of the interval between them through {@link #since(MetricsSnapshot)}: that is how analysis measures an
 * interval without the router keeping windows.
 */
public interface MetricsSnapshot {
    /** Requests answered or failed so far. */
    long requests();

    /** Requests that got a 5xx or no answer at all (connect failure, reset, timeout). */
    long failures();

    /** Latency in milliseconds at {@code percentile} (0-100) over the requests this snapshot covers; 0 when none. */
    double latencyMillis(double percentile);

    /** Figures of the requests that arrived after {@code earlier} was taken and up to this snapshot. */
    MetricsSnapshot since(MetricsSnapshot earlier);

    /** Share of requests that did not fail, 0..1; 1 when there were no requests. */
    default double successRate() {
        return requests() == 0 ? 1.0 : (double) (requests() - failures()) / requests();
    }
}
