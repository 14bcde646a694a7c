package io.jenkins.plugins.slipway.runner.analysis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time as an analysis run sees it: a clock and delayed tasks. The runner uses {@link #of}; tests drive a manual
 * one, so that no test waits for an interval to pass.
 */
public interface AnalysisScheduler {

    Instant now();

    /** Runs {@code task} once after {@code delay}, on a thread of the scheduler's choosing. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that may still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** Backed by an executor the caller owns (and shuts down). */
    static AnalysisScheduler of(ScheduledExecutorService executor, Clock clock) {
        return new AnalysisScheduler() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }
        };
    }
}
