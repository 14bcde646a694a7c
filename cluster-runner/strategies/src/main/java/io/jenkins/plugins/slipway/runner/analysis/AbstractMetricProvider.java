package io.jenkins.plugins.slipway.runner.analysis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Base of the providers: whatever goes wrong while measuring, {@link #measure} completes with an
 * {@link Verdict#Error} reading naming the cause, and never later than {@link #deadline()}, so that a stuck remote
 * end can not stall a release.
 * <p>
 * Hooks: {@link #doMeasure} (required), {@link #begin} (optional), {@link #thresholds} (figures an error reading
 * still shows), {@link #deadline}.
 */
public abstract class AbstractMetricProvider implements MetricProvider {

    @Override
    public void begin() {
    }

    /** Measures once; may throw or complete exceptionally, the base turns that into an Error reading. */
    protected abstract CompletableFuture<Reading> doMeasure(int index) throws Exception;

    /** The thresholds of this metric, shown beside an Error too. */
    protected abstract Map<String, Object> thresholds();

    /** Longest a measurement may take before it is an Error; a backstop above the provider's own timeouts. */
    protected Duration deadline() {
        return Duration.ofSeconds(30);
    }

    @Override
    public final CompletableFuture<Reading> measure(int index) {
        CompletableFuture<Reading> f;
        try {
            f = doMeasure(index);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(error(e));
        }
        return f.orTimeout(deadline().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionally(this::error);
    }

    private Reading error(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        String why = cause instanceof TimeoutException
                ? "no answer within " + Figures.duration(deadline())
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return Reading.error(kind() + " could not measure (" + why + ")", thresholds());
    }
}
