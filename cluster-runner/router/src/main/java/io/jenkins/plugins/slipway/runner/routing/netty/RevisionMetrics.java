package io.jenkins.plugins.slipway.runner.routing.netty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Traffic figures of one revision on one route. Each {@link Lanes lane} (event loop) records into counters and a
 * latency recorder of its own ({@link SingleWriterRecorder}), so recording takes no lock, allocates nothing and
 * writes no cache line another loop writes; a snapshot folds every lane's interval into a cumulative histogram
 * under a lock only snapshots take, and adds the lanes' counters up.
 */
final class RevisionMetrics {
    /** Latencies are kept in microseconds, up to ten minutes, with two significant digits (1% resolution). */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    static final int DIGITS = 2;
    /** Index 0 counts requests that got no answer from any backend; 1..5 count answers by status class. */
    static final String[] CODE_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    /** A lane's counters: one per status class, then failures, then the latency sum. */
    private static final int FAILURES = CODE_CLASSES.length;
    private static final int LATENCY_SUM = FAILURES + 1;
    /** Longs per lane: the 8 counters padded to 128 bytes, so two lanes never share a cache line. */
    private static final int STRIDE = 16;

    private final int lanes;
    /** Lane i's counters start at (i + 1) * STRIDE; the first stride stays empty, away from the array's header. */
    private final AtomicLongArray counters;
    /** Made by a lane's loop when it first records: a route's quiet revisions keep no histograms. */
    private final AtomicReferenceArray<SingleWriterRecorder> recorders;
    private final Histogram cumulative = new Histogram(1, HIGHEST_MICROS, DIGITS);
    private final Histogram interval = new Histogram(1, HIGHEST_MICROS, DIGITS);

    RevisionMetrics(int lanes) {
        this.lanes = lanes;
        this.counters = new AtomicLongArray((lanes + 1) * STRIDE);
        this.recorders = new AtomicReferenceArray<>(lanes);
    }

    /**
     * Call on the loop of {@code lane} only.
     *
     * @param status HTTP status sent to the client, or 0 when no backend answered (502/504 from the router
     *               itself are passed as 0 too: they are the router saying "no answer")
     */
    void record(int lane, int status, long latencyNanos) {
        int cls = status >= 100 && status < 600 ? status / 100 : 0;
        int base = (lane + 1) * STRIDE;
        bump(base + cls, 1);
        if (cls == 0 || cls == 5) {
            bump(base + FAILURES, 1);
        }
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, latencyNanos / 1000));
        bump(base + LATENCY_SUM, micros);
        SingleWriterRecorder r = recorders.getPlain(lane);
        if (r == null) {
            r = new SingleWriterRecorder(1, HIGHEST_MICROS, DIGITS);
            recorders.set(lane, r);
        }
        r.recordValue(micros);
    }

    /** Single writer per cell: a release store is enough for readers to see whole values. */
    private void bump(int i, long delta) {
        counters.lazySet(i, counters.getPlain(i) + delta);
    }

    synchronized RevisionSnapshot snapshot() {
        for (int lane = 0; lane < lanes; lane++) {
            SingleWriterRecorder r = recorders.get(lane);
            if (r != null) {
                r.getIntervalHistogramInto(interval);
                cumulative.add(interval);
            }
        }
        // Counters are read after the histograms so that a snapshot never shows more latencies than requests.
        long[] counts = new long[CODE_CLASSES.length];
        long failures = 0;
        long latencySum = 0;
        for (int lane = 0; lane < lanes; lane++) {
            int base = (lane + 1) * STRIDE;
            for (int i = 0; i < counts.length; i++) {
                counts[i] += counters.get(base + i);
            }
            failures += counters.get(base + FAILURES);
            latencySum += counters.get(base + LATENCY_SUM);
        }
        return new RevisionSnapshot(counts, failures, latencySum, cumulative.copy());
    }
}
