package io.jenkins.plugins.slipway.runner.release.analysis;

import io.jenkins.plugins.slipway.runner.analysis.AnalysisResult;
import io.jenkins.plugins.slipway.runner.analysis.AnalysisRun;
import io.jenkins.plugins.slipway.runner.analysis.AnalysisScheduler;
import io.jenkins.plugins.slipway.runner.analysis.Measurement;
import io.jenkins.plugins.slipway.runner.analysis.MetricsSource;
import io.jenkins.plugins.slipway.runner.analysis.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.analysis.WebhookPolicy;
import java.net.http.HttpClient;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The release side of analysis (the first of Argo Rollouts' three layers): starts and cancels the analysis runs
 * of one release and tells the planners where each stands. One instance per release in progress.
 * <p>
 * A release has at most two runs at once: the current step's (an {@code analysis} step, or a blue-green
 * pre-promotion analysis) and the canary's background one. Starting a run in a slot cancels the one it replaces.
 */
public final class ReleaseAnalyses implements AutoCloseable {

    /** Which run of the release. */
    public enum Slot {
        /** An {@code analysis} step, or a blue-green {@code prePromotionAnalysis}. */
        Step,
        /** A canary's {@code analysis} across all steps. */
        Background
    }

    /** Hears from the runs; called on the scheduler's or the HTTP client's threads, must not block. */
    public interface Listener {
        /** One measurement: the controller writes an {@code AnalysisMeasured} event. */
        void measured(Slot slot, Measurement measurement);

        /** A run ended (not by cancellation): the controller runs a new pass of the release. */
        void ended(Slot slot, AnalysisResult result);
    }

    private final MetricsSource metrics;
    private final HttpClient http;
    private final WebhookPolicy webhooks;
    private final AnalysisScheduler scheduler;
    private final Listener listener;
    private final Map<Slot, AnalysisRun> runs = new EnumMap<>(Slot.class);
    private final Map<Slot, AnalysisState> states = new EnumMap<>(Slot.class);
    /** The new revision's replicas by service as last told; read by the runs' measurements, lock-free. */
    private volatile Map<String, List<ReleaseContext.Endpoint>> newReplicas;
    private boolean closed;

    /**
     * @param metrics   the router's figures ({@code router::snapshot})
     * @param http      client for http and webhook metrics, owned by the caller
     * @param scheduler time; {@link AnalysisScheduler#of} in the runner
     */
    public ReleaseAnalyses(MetricsSource metrics, HttpClient http, AnalysisScheduler scheduler, Listener listener) {
        this(metrics, http, WebhookPolicy.publicOnly(), scheduler, listener);
    }

    /** As above, with webhooks allowed where {@code webhooks} allows (the runner's {@code --webhook-allow}). */
    public ReleaseAnalyses(MetricsSource metrics, HttpClient http, WebhookPolicy webhooks, AnalysisScheduler scheduler,
                           Listener listener) {
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.http = Objects.requireNonNull(http, "http");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Performs a planner's {@link ReleaseAction.StartAnalysis}: starts the run in its slot. Its measurements
     * probe the new replicas {@link #newReplicas} was last told of, {@code context}'s until then.
     */
    public synchronized void start(ReleaseAction.StartAnalysis action, ReleaseContext context) {
        if (closed) {
            throw new IllegalStateException("the release's analyses are closed");
        }
        Slot slot = action.background() ? Slot.Background : Slot.Step;
        cancel(slot);
        states.put(slot, AnalysisState.RUNNING);
        AnalysisRun run = AnalysisRun.start(action.analysis(), () -> current(context), metrics, http, webhooks, scheduler,
                m -> listener.measured(slot, m));
        runs.put(slot, run);
        run.result().whenComplete((result, failure) -> {
            if (failure instanceof CancellationException) {
                return;
            }
            synchronized (this) {
                if (runs.get(slot) != run) {
                    return; // replaced or cancelled meanwhile
                }
                runs.remove(slot);
                states.put(slot, AnalysisState.of(result));
            }
            listener.ended(slot, result);
        });
    }

    /**
     * Where the new revision's replicas answer now, by service: every run measures these from its next
     * measurement on. The release tells it at each pass, since steps scale the canary (and replaced replicas
     * come back on other ports) while a background analysis runs.
     */
    public void newReplicas(Map<String, List<ReleaseContext.Endpoint>> byService) {
        newReplicas = Map.copyOf(byService);
    }

    private ReleaseContext current(ReleaseContext started) {
        Map<String, List<ReleaseContext.Endpoint>> now = newReplicas;
        return now == null ? started : started.withNewReplicas(now);
    }

    /** Where the slot's run stands, for the planner's context. */
    public synchronized AnalysisState state(Slot slot) {
        return states.getOrDefault(slot, AnalysisState.NOT_STARTED);
    }

    /**
     * Cancels the slot's run if one is running and forgets its verdict: the slot is NotStarted again. Call it for
     * {@link Slot#Step} when a step completes, and for a slot whose inconclusive analysis a resume re-runs.
     */
    public synchronized void cancel(Slot slot) {
        AnalysisRun run = runs.remove(slot);
        if (run != null) {
            run.cancel();
        }
        states.remove(slot);
    }

    /** Cancels every run: the release ended, rolled back or was aborted. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Slot s : Slot.values()) {
            cancel(s);
        }
    }
}
