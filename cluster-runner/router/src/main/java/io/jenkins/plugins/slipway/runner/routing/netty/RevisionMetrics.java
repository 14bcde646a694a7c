package io.jenkins.plugins.slipway.runner.routing.netty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Traffic figures of one revision on one route. Event loops record into striped counters and an HdrHistogram
 * {@link Recorder} (a few uncontended atomic increments, no lock, no allocation); a snapshot folds the recorder's
 * interval into a cumulative histogram under a lock only snapshots take.
 */
final class RevisionMetrics {
    /** Latencies are kept in microseconds, up to ten minutes, with two significant digits (1% resolution). */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    static final int DIGITS = 2;
    /** Index 0 counts requests that got no answer from any backend; 1..5 count answers by status class. */
    static final String[] CODE_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final LongAdder[] byClass = new LongAdder[CODE_CLASSES.length];
    private final LongAdder failures = new LongAdder();
    private final LongAdder latencySumMicros = new LongAdder();
    private final Recorder recorder = new Recorder(1, HIGHEST_MICROS, DIGITS);
    private final Histogram cumulative = new Histogram(1, HIGHEST_MICROS, DIGITS);
    private Histogram recycled;

    RevisionMetrics() {
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
    }

    /**
     * @param status HTTP status sent to the client, or 0 when no backend answered (502/504 from the router
     *               itself are passed as 0 too: they are the router saying "no answer")
     */
    void record(int status, long latencyNanos) {
        int cls = status >= 100 && status < 600 ? status / 100 : 0;
        byClass[cls].increment();
        if (cls == 0 || cls == 5) {
            failures.increment();
        }
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000));
        latencySumMicros.add(micros);
        recorder.recordValue(micros);
    }

    synchronized RevisionSnapshot snapshot() {
        recycled = recorder.getIntervalHistogram(recycled);
        cumulative.add(recycled);
        long[] counts = new long[byClass.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = byClass[i].sum();
        }
        // Counters are read after the histogram so that a snapshot never shows more latencies than requests.
        return new RevisionSnapshot(counts, failures.sum(), latencySumMicros.sum(), cumulative.copy());
    }
}
