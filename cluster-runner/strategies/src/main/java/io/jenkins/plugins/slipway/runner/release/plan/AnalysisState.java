package io.jenkins.plugins.slipway.runner.release.plan;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.analysis.AnalysisResult;
import java.util.Objects;

/**
 * Where one analysis of a release stands, as the planners read it.
 *
 * @param message the run's result message once it has ended (quoted in rollback and pause reasons)
 */
public record AnalysisState(Status status, @CheckForNull String message) {
    /** Life of a run; an {@code Error} verdict counts as Failed here: a check that cannot be made is no pass. */
    public enum Status { NotStarted, Running, Successful, Inconclusive, Failed }

    public static final AnalysisState NOT_STARTED = new AnalysisState(Status.NotStarted, null);
    public static final AnalysisState RUNNING = new AnalysisState(Status.Running, null);

    public AnalysisState {
        Objects.requireNonNull(status, "status");
    }

    /** The state of a run that has ended. */
    public static AnalysisState of(AnalysisResult result) {
        Status s = switch (result.verdict()) {
            case Successful -> Status.Successful;
            case Inconclusive -> Status.Inconclusive;
            case Error, Failed -> Status.Failed;
        };
        return new AnalysisState(s, result.message());
    }

    /**
     * The state to resume with after the runner restarted: a run that was in progress died with the process and
     * starts again from scratch (its measurements so far are in the event log).
     */
    public AnalysisState afterRestart() {
        return status == Status.Running ? NOT_STARTED : this;
    }

    public String reason() {
        return message == null ? "analysis " + status.name().toLowerCase(java.util.Locale.ROOT) : message;
    }
}
