package io.jenkins.plugins.slipway.runner.analysis;

import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;

/**
 * A pure value standing for the router's cumulative figures. Latencies are those of the requests since the
 * previous snapshot, which is all {@link #since} needs to give back.
 */
public record FakeSnapshot(long requests, long failures, double p50, double p95, double p99) implements MetricsSnapshot {
    public static FakeSnapshot none() {
        return new FakeSnapshot(0, 0, 0, 0, 0);
    }

    /** This snapshot plus {@code n} more requests of which {@code failed} failed, at latency {@code p99}. */
    public FakeSnapshot plus(long n, long failed, double p99) {
        return new FakeSnapshot(requests + n, failures + failed, p99 / 2, p99 * 0.9, p99);
    }

    @Override
    public double latencyMillis(double percentile) {
        return percentile >= 99 ? p99 : percentile >= 95 ? p95 : p50;
    }

    @Override
    public MetricsSnapshot since(MetricsSnapshot earlier) {
        return new FakeSnapshot(requests - earlier.requests(), failures - earlier.failures(), p50, p95, p99);
    }
}
