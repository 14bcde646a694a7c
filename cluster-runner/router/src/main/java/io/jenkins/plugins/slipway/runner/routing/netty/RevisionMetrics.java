package io.jenkins.plugins.slipway.runner.routing.netty;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Traffic figures of one revision on one route. Event loops record into striped counters and into a latency
 * recorder of their own ({@link SingleWriterRecorder}: no lock, no allocation, and no cache line shared with
 * another event loop, which a single shared recorder's atomic bucket counts were on every request); a snapshot
 * folds every recorder's interval into a cumulative histogram under a lock only snapshots take.
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
    /** One recorder per thread that ever recorded here (the route's event loops): few, and never removed. */
    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> recorder = ThreadLocal.withInitial(() -> {
        SingleWriterRecorder r = new SingleWriterRecorder(1, HIGHEST_MICROS, DIGITS);
        recorders.add(r);
        return r;
    });
    private final Histogram cumulative = new Histogram(1, HIGHEST_MICROS, DIGITS);
    private final Histogram interval = new Histogram(1, HIGHEST_MICROS, DIGITS);

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
        recorder.get().recordValue(micros);
    }

    synchronized RevisionSnapshot snapshot() {
        for (SingleWriterRecorder r : recorders) {
            r.getIntervalHistogramInto(interval);
            cumulative.add(interval);
        }
        long[] counts = new long[byClass.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = byClass[i].sum();
        }
        // Counters are read after the histogram so that a snapshot never shows more latencies than requests.
        return new RevisionSnapshot(counts, failures.sum(), latencySumMicros.sum(), cumulative.copy());
    }
}
