package io.jenkins.plugins.slipway.runner.release.canary;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.release.AnalysisRuns;
import io.jenkins.plugins.slipway.runner.release.GrayRelease;
import io.jenkins.plugins.slipway.runner.release.GrayService;
import io.jenkins.plugins.slipway.runner.release.GrayStrategy;
import io.jenkins.plugins.slipway.runner.release.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.ReleaseProgress;
import io.jenkins.plugins.slipway.runner.release.ServiceChange;
import io.jenkins.plugins.slipway.runner.release.TrafficFirstRollback;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses.Slot;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.release.plan.Weights;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.time.Instant;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A canary release driven by {@link CanaryPlanner}: each pass builds the planner's context from the saved release
 * state, performs the action it answers, and asks again while actions complete steps (a {@code setWeight} whose
 * replicas are healthy, an elapsed pause, a passed analysis). Every service the revision replaces follows the
 * lead service's steps with the same weights. Progress (step, weight, scale, pause start, analysis verdicts) is
 * in the release state, so a runner killed mid-canary resumes at the same step and weight.
 * <p>
 * The pass reads as Argo Rollouts' canary reconcile: rollback in progress, abort, commands, routing (match rules,
 * sticky), the autoscaler's resizes ({@link CanaryResizes}), then the planner's steps.
 */
public final class CanaryStrategy extends GrayStrategy {
    public static final String NAME = ReleaseSpec.CANARY;
    /** Actions performed in one pass at most: a step list can only complete this many steps without waiting. */
    private static final int MAX_ACTIONS = 32;

    public CanaryStrategy(AnalysisRuns runs, RouteSync routes) {
        super(NAME, runs, routes);
    }

    @Override
    protected int stepCount(ServiceChange lead) {
        return ((ReleaseSpec.Canary) lead.spec().release()).steps().size();
    }

    @Override
    protected void progress(ReleaseContext ctx, ReleaseAnalyses analyses) {
        ReleaseSpec.Canary spec = canary(ctx);
        reconcileRouting(ctx, spec);
        Command command = ctx.command();
        if (command != null) {
            reconcileCommand(ctx, spec, analyses, command);
            if (TrafficFirstRollback.inProgress(ctx)) {
                return;
            }
        }
        CanaryResizes.apply(ctx);
        follow(ctx, MAX_ACTIONS, () -> CanaryPlanner.next(context(ctx, spec, analyses)),
                action -> perform(ctx, spec, analyses, action));
    }

    /**
     * Match rules and sticky sessions of the lead's spec on the route of every replaced service, until the new
     * revision has all the traffic: then they have ended ({@link #endRoutingAndAnalyses}), and setting them again
     * while the stable replicas stop would leave them on the route after the release.
     */
    private void reconcileRouting(ReleaseContext ctx, ReleaseSpec.Canary spec) {
        if (ctx.progress().finishing != null) {
            return;
        }
        for (GrayService c : GrayRelease.replaced(ctx)) {
            ServiceSpec service = GrayRelease.spec(ctx, c.service());
            if (service.route() == null || (spec.match().isEmpty() && !spec.sticky())) {
                continue;
            }
            routes.releaseRouting(ctx.app(), c.service(), new RouteSync.ReleaseRouting(
                    spec.matchRules(String.valueOf(c.to())), spec.sticky(), null, null));
        }
    }

    /** Performs one action; true when the planner should be asked again in this pass. */
    private boolean perform(ReleaseContext ctx, ReleaseSpec.Canary spec, ReleaseAnalyses analyses, ReleaseAction action) {
        int index = ctx.progress().index;
        int total = spec.steps().size();
        if (index < total) {
            GrayRelease.announce(ctx, index + 1, total, spec.steps().get(index).describe());
        }
        if (performedWaitOrRollback(ctx, action)) {
            return false;
        }
        if (action instanceof ReleaseAction.StartAnalysis a) {
            Slot slot = a.background() ? Slot.Background : Slot.Step;
            analyses.start(a, GrayRelease.analysisContext(ctx, a.background() ? 0 : index + 1, Map.of()));
            GrayRelease.analysisStarted(ctx, slot);
            ctx.message(a.describe());
            return true;
        }
        if (action instanceof ReleaseAction.SetWeight a) {
            ToIntFunction<GrayService> count = c -> Weights.split(c.replicas(), a.weight(), ctx.progress().scale).canary();
            if (!scaledNew(ctx, count)) {
                return false;
            }
            if (ctx.progress().weight != a.weight() || ctx.canaryWeight() != a.weight()) {
                GrayRelease.weights(ctx, a.weight());
            }
            completeStep(ctx, analyses);
            return true;
        }
        if (action instanceof ReleaseAction.Scale a) {
            int weight = ctx.progress().weight;
            ToIntFunction<GrayService> count = c -> Weights.split(c.replicas(), weight, a.inForce()).canary();
            if (!scaledNew(ctx, count)) {
                return false;
            }
            if (a.inForce() == null) {
                ctx.progress().scale = null;
            } else {
                ctx.progress().scale = a.inForce();
            }
            completeStep(ctx, analyses);
            return true;
        }
        if (action instanceof ReleaseAction.StartPause a) {
            String text = "paused at step " + (index + 1) + "/" + total + " with " + ctx.canaryWeight()
                    + "% on the canary " + (a.until() == null ? "until promoted" : "until " + a.until());
            GrayRelease.pause(ctx, a.until(), PauseReason.Step, text);
            return false;
        }
        if (action instanceof ReleaseAction.Advance a) {
            GrayRelease.resume(ctx, a.reason());
            ctx.message(a.reason());
            completeStep(ctx, analyses);
            return true;
        }
        if (action instanceof ReleaseAction.Complete) {
            ctx.step(total);
            ReleaseProgress s = ctx.progress();
            if (s.finishing == null) {
                if (!scaledNew(ctx, GrayService::replicas)) {
                    return false;
                }
                // All the traffic to the new revision at full scale; the stable replicas are drained, then stopped.
                GrayRelease.weights(ctx, 100);
                s.finishing = stopReplaced(ctx);
                endRoutingAndAnalyses(ctx);
                ctx.message("promoted: revision " + ctx.to().revision() + " serves 100%; stopping the stable replicas");
                return false;
            }
            if (replacedStopped(ctx, s.finishing)) {
                GrayRelease.succeed(ctx);
            }
            return false;
        }
        throw new IllegalStateException("a canary cannot " + action.describe());
    }

    private static void completeStep(ReleaseContext ctx, ReleaseAnalyses analyses) {
        ReleaseProgress s = ctx.progress();
        s.index = s.index + 1;
        s.pauseStartedAt = null;
        s.pauseReason = null;
        GrayRelease.resetAnalysis(ctx, analyses, Slot.Step);
    }

    private void reconcileCommand(ReleaseContext ctx, ReleaseSpec.Canary spec, ReleaseAnalyses analyses, Command command) {
        Transition.Allowed a = decide(ctx, command);
        if (a == null) {
            return;
        }
        switch (a.effect()) {
            case SkipStep -> {
                if (GrayRelease.analysis(ctx, analyses, Slot.Background).status() == AnalysisState.Status.Inconclusive) {
                    GrayRelease.resetAnalysis(ctx, analyses, Slot.Background);
                }
                GrayRelease.resume(ctx, a.message());
                ctx.message(a.message());
                if (ctx.progress().index < spec.steps().size()) {
                    completeStep(ctx, analyses);
                }
            }
            case SkipAllSteps -> {
                GrayRelease.resetAnalysis(ctx, analyses, Slot.Step);
                GrayRelease.resetAnalysis(ctx, analyses, Slot.Background);
                GrayRelease.resume(ctx, a.message());
                ctx.message(a.message());
                ctx.progress().index = spec.steps().size();
                ctx.progress().pauseStartedAt = null;
            }
            case Hold -> GrayRelease.pause(ctx, null, PauseReason.User, a.message());
            case Continue -> GrayRelease.resume(ctx, a.message());
            case RetryAnalysis -> {
                for (Slot slot : Slot.values()) {
                    if (GrayRelease.analysis(ctx, analyses, slot).status() == AnalysisState.Status.Inconclusive) {
                        GrayRelease.resetAnalysis(ctx, analyses, slot);
                    }
                }
                GrayRelease.resume(ctx, a.message());
            }
            case RollBack -> rollback.begin(ctx, "aborted", true);
            default -> throw new IllegalStateException("unexpected effect " + a.effect());
        }
    }

    private CanaryContext context(ReleaseContext ctx, ReleaseSpec.Canary spec, ReleaseAnalyses analyses) {
        ReleaseProgress s = ctx.progress();
        GrayService lead = GrayRelease.leadService(ctx);
        return new CanaryContext(spec, lead.replicas(), false, Math.min(s.index, spec.steps().size()),
                s.weight, s.scale, GrayRelease.pauseStartedAt(ctx),
                GrayRelease.analysis(ctx, analyses, Slot.Step), GrayRelease.analysis(ctx, analyses, Slot.Background),
                Instant.ofEpochMilli(ctx.now()));
    }

    private static ReleaseSpec.Canary canary(ReleaseContext ctx) {
        return (ReleaseSpec.Canary) GrayRelease.spec(ctx, GrayRelease.lead(ctx)).release();
    }
}
