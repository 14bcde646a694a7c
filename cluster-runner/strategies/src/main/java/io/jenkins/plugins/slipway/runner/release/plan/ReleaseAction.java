package io.jenkins.plugins.slipway.runner.release.plan;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import java.time.Instant;
import java.util.Objects;

/**
 * What the release controller should do next, as decided by {@link io.jenkins.plugins.slipway.runner.release.canary.CanaryPlanner} or
 * {@link io.jenkins.plugins.slipway.runner.release.bluegreen.BlueGreenPlanner}
 * from one pass's context. The controller performs the side effect, saves what changed, and asks again while
 * the answer {@link #completesStep() completes a step} or starts something; it stops asking at a {@link Wait},
 * {@link StartPause}, {@link PauseInconclusive}, {@link Rollback} or {@link Complete} until an event (time, an
 * analysis result, a command, a replica becoming healthy) calls for a new pass.
 */
public sealed interface ReleaseAction {

    /** True when, once performed, the current step is done: step index + 1, step state cleared. */
    default boolean completesStep() {
        return false;
    }

    /** One line for the event stream and the build log. */
    String describe();

    /** Start an analysis run (inline: the step waits for it; background: it runs across the remaining steps). */
    record StartAnalysis(AnalysisSpec analysis, boolean background) implements ReleaseAction {
        public StartAnalysis {
            Objects.requireNonNull(analysis, "analysis");
        }

        @Override
        public String describe() {
            return (background ? "start background analysis: " : "run analysis: ") + analysis.describe();
        }
    }

    /** Scale both revisions to {@code replicas} (new replicas healthy first), then set the router weights. */
    record SetWeight(int weight, ReplicaSplit replicas) implements ReleaseAction {
        @Override
        public boolean completesStep() {
            return true;
        }

        @Override
        public String describe() {
            return "set canary weight " + weight + "% (" + replicas.canary() + " canary, " + replicas.stable()
                    + " stable replicas)";
        }
    }

    /**
     * {@code setCanaryScale}: scale the new revision to {@code replicas}; weights do not change.
     *
     * @param inForce the scale to remember for later setWeight steps; null when replicas follow the weight again
     */
    record Scale(ReplicaSplit replicas, @CheckForNull CanaryStep.SetCanaryScale inForce) implements ReleaseAction {
        @Override
        public boolean completesStep() {
            return true;
        }

        @Override
        public String describe() {
            return "scale canary to " + replicas.canary() + " replicas";
        }
    }

    /**
     * Record that the pause began now; phase Paused.
     *
     * @param until when it ends by itself; null: only a promote ends it
     */
    record StartPause(@CheckForNull Instant until) implements ReleaseAction {
        @Override
        public String describe() {
            return until == null ? "pause until promoted" : "pause until " + until;
        }
    }

    /**
     * Nothing to do now.
     *
     * @param until when to pass again; null: only an event (analysis result, health, command) calls for a new pass
     */
    record Wait(@CheckForNull Instant until, String reason) implements ReleaseAction {
        public Wait {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return reason;
        }
    }

    /** The current step is over (its pause elapsed, its analysis passed): go to the next one. */
    record Advance(String reason) implements ReleaseAction {
        @Override
        public boolean completesStep() {
            return true;
        }

        @Override
        public String describe() {
            return reason;
        }
    }

    /** An analysis could not judge: phase Paused (reason Inconclusive) until resumed (re-run) or promoted. */
    record PauseInconclusive(String reason) implements ReleaseAction {
        @Override
        public String describe() {
            return "paused: " + reason;
        }
    }

    /** Traffic back to stable first, then remove the new replicas; phase RolledBack with {@code reason}. */
    record Rollback(String reason) implements ReleaseAction {
        @Override
        public String describe() {
            return "roll back: " + reason;
        }
    }

    /** Blue-green: start (or keep) the new revision at {@code replicas}, full scale, beside the old one. */
    record ScaleNew(int replicas) implements ReleaseAction {
        @Override
        public String describe() {
            return "start the new revision at " + replicas + " replicas";
        }
    }

    /** Blue-green: route the preview port to the new revision only. */
    record RoutePreview(int port) implements ReleaseAction {
        @Override
        public String describe() {
            return "preview the new revision on port " + port;
        }
    }

    /** Blue-green: move the route to the new revision in one spec swap; keep the old one until the given time. */
    record Switch(Instant scaleDownOldAt) implements ReleaseAction {
        @Override
        public String describe() {
            return "switch traffic to the new revision";
        }
    }

    /** Blue-green: the delay after the switch is over; stop the old revision's replicas. */
    record ScaleDownOld() implements ReleaseAction {
        @Override
        public String describe() {
            return "stop the old revision";
        }
    }

    /**
     * All steps done: the new revision gets 100% at full scale, the stable one is drained and removed, background
     * analysis is cancelled, phase Succeeded.
     */
    record Complete(ReplicaSplit replicas) implements ReleaseAction {
        @Override
        public String describe() {
            return "promoted: the new revision serves 100% on " + replicas.canary() + " replicas";
        }
    }
}
