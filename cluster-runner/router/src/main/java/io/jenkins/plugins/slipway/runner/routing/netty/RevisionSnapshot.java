package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import org.HdrHistogram.Histogram;

/** Immutable figures of one revision: counts by status class, failures, and the latency histogram in microseconds. */
final class RevisionSnapshot implements MetricsSnapshot {
    static final RevisionSnapshot EMPTY = new RevisionSnapshot(new long[RevisionMetrics.CODE_CLASSES.length], 0, 0,
            new Histogram(1, RevisionMetrics.HIGHEST_MICROS, RevisionMetrics.DIGITS));

    private final long[] byClass;
    private final long failures;
    private final long latencySumMicros;
    private final Histogram histogram;
    private final long requests;

    RevisionSnapshot(long[] byClass, long failures, long latencySumMicros, Histogram histogram) {
        this.byClass = byClass;
        this.failures = failures;
        this.latencySumMicros = latencySumMicros;
        this.histogram = histogram;
        long sum = 0;
        for (long c : byClass) {
            sum += c;
        }
        this.requests = sum;
    }

    @Override
    public long requests() {
        return requests;
    }

    @Override
    public long failures() {
        return failures;
    }

    /** Requests whose answer had status class {@code cls} (index into {@link RevisionMetrics#CODE_CLASSES}). */
    long requests(int cls) {
        return byClass[cls];
    }

    long latencySumMicros() {
        return latencySumMicros;
    }

    @Override
    public double latencyMillis(double percentile) {
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    @Override
    public MetricsSnapshot since(MetricsSnapshot earlier) {
        if (!(earlier instanceof RevisionSnapshot e)) {
            throw new IllegalArgumentException("not a snapshot of this router: " + earlier);
        }
        long[] counts = new long[byClass.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Math.max(0, byClass[i] - e.byClass[i]);
        }
        Histogram h = histogram.copy();
        if (e.histogram.getTotalCount() <= h.getTotalCount()) {
            h.subtract(e.histogram);
        }
        return new RevisionSnapshot(counts, Math.max(0, failures - e.failures),
                Math.max(0, latencySumMicros - e.latencySumMicros), h);
    }

    @Override
    public String toString() {
        return "requests=" + requests + " failures=" + failures + " p50=" + latencyMillis(50) + "ms p99="
                + latencyMillis(99) + "ms";
    }
}
