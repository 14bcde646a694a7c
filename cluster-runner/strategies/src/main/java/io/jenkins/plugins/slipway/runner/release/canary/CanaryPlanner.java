package io.jenkins.plugins.slipway.runner.release.canary;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReplicaSplit;
import io.jenkins.plugins.slipway.runner.release.plan.Weights;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides a canary's next action from one pass's context, pure. The pass reads like Argo Rollouts' canary
 * reconcile: background analysis first (a failure there beats everything), then the end of the steps, then the
 * current step.
 */
public final class CanaryPlanner {
    private CanaryPlanner() {
    }

    public static ReleaseAction next(CanaryContext c) {
        List<CanaryStep> steps = c.spec().steps();
        if (c.firstRelease()) {
            // Nothing to compare with and no one to protect: Argo Rollouts skips the steps on a first rollout too.
            return complete(c);
        }
        Optional<ReleaseAction> background = background(c);
        if (background.isPresent()) {
            return background.get();
        }
        if (c.stepIndex() >= steps.size()) {
            return complete(c);
        }
        CanaryStep step = steps.get(c.stepIndex());
        if (step instanceof CanaryStep.SetWeight s) {
            return new ReleaseAction.SetWeight(s.weight(), Weights.split(c.totalReplicas(), s.weight(), c.scale()));
        }
        if (step instanceof CanaryStep.SetCanaryScale s) {
            CanaryStep.SetCanaryScale inForce = s.matchTrafficWeight() ? null : s;
            return new ReleaseAction.Scale(Weights.split(c.totalReplicas(), c.weight(), inForce), inForce);
        }
        if (step instanceof CanaryStep.Pause p) {
            return pause(c, p);
        }
        return analysis(c, ((CanaryStep.Analysis) step).analysis());
    }

    private static ReleaseAction complete(CanaryContext c) {
        return new ReleaseAction.Complete(new ReplicaSplit(c.totalReplicas(), 0));
    }

    private static Optional<ReleaseAction> background(CanaryContext c) {
        Optional<AnalysisSpec> spec = c.spec().analysis();
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        AnalysisState state = c.backgroundAnalysis();
        return switch (state.status()) {
            case Failed -> Optional.of(new ReleaseAction.Rollback("background analysis failed at " + c.stepLabel()
                    + ": " + state.reason()));
            case Inconclusive -> Optional.of(new ReleaseAction.PauseInconclusive("background analysis inconclusive at "
                    + c.stepLabel() + ": " + state.reason()));
            // Started once the canary gets traffic: measured at weight 0 it could only ever be inconclusive.
            case NotStarted -> c.weight() > 0 && c.stepIndex() < c.spec().steps().size()
                    ? Optional.of(new ReleaseAction.StartAnalysis(spec.get(), true)) : Optional.empty();
            case Running, Successful -> Optional.empty();
        };
    }

    private static ReleaseAction pause(CanaryContext c, CanaryStep.Pause p) {
        if (c.pauseStartedAt() == null) {
            return new ReleaseAction.StartPause(p.duration().map(d -> c.now().plus(d)).orElse(null));
        }
        if (p.isIndefinite()) {
            return new ReleaseAction.Wait(null, "paused at " + c.stepLabel() + " with " + c.weight()
                    + "% on the canary until promoted");
        }
        Instant until = c.pauseStartedAt().plus(p.duration().orElseThrow());
        if (c.now().isBefore(until)) {
            return new ReleaseAction.Wait(until, "paused at " + c.stepLabel() + " with " + c.weight()
                    + "% on the canary until " + until);
        }
        return new ReleaseAction.Advance("pause of " + Durations.format(p.duration().orElseThrow()) + " at "
                + c.stepLabel() + " is over");
    }

    private static ReleaseAction analysis(CanaryContext c, AnalysisSpec spec) {
        AnalysisState state = c.stepAnalysis();
        return switch (state.status()) {
            case NotStarted -> new ReleaseAction.StartAnalysis(spec, false);
            case Running -> new ReleaseAction.Wait(null, "analysis running at " + c.stepLabel() + ": "
                    + spec.describe());
            case Successful -> new ReleaseAction.Advance("analysis at " + c.stepLabel() + " passed: " + state.reason());
            case Failed -> new ReleaseAction.Rollback("analysis at " + c.stepLabel() + " failed: " + state.reason());
            case Inconclusive -> new ReleaseAction.PauseInconclusive("analysis at " + c.stepLabel()
                    + " inconclusive: " + state.reason());
        };
    }
}
