package io.jenkins.plugins.slipway.runner.release.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.release.AnalysisRuns;
import io.jenkins.plugins.slipway.runner.release.GrayPlans;
import io.jenkins.plugins.slipway.runner.release.GrayRelease;
import io.jenkins.plugins.slipway.runner.release.ReleaseCommands;
import io.jenkins.plugins.slipway.runner.release.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.GrayService;
import io.jenkins.plugins.slipway.runner.release.ServiceChange;
import io.jenkins.plugins.slipway.runner.release.Strategy;
import io.jenkins.plugins.slipway.runner.release.TrafficFirstRollback;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses.Slot;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.CanaryContext;
import io.jenkins.plugins.slipway.runner.release.plan.CanaryPlanner;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseState;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.release.plan.Weights;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A canary release driven by {@link CanaryPlanner}: each pass builds the planner's context from the saved release
 * state, performs the action it answers, and asks again while actions complete steps (a {@code setWeight} whose
 * replicas are healthy, an elapsed pause, a passed analysis). Every service the revision replaces follows the
 * lead service's steps with the same weights. Progress (step, weight, scale, pause start, analysis verdicts) is
 * in the release state, so a runner killed mid-canary resumes at the same step and weight.
 * <p>
 * The pass reads as Argo Rollouts' canary reconcile: rollback in progress, abort, commands, routing (match rules,
 * sticky), then the planner's steps.
 */
public final class CanaryStrategy implements Strategy {
    public static final String NAME = "canary";
    private static final Logger LOG = LoggerFactory.getLogger(CanaryStrategy.class);
    /** Actions performed in one pass at most: a step list can only complete this many steps without waiting. */
    private static final int MAX_ACTIONS = 32;
    /** How long the end of a release waits for the stable replicas to stop. */
    private static final java.time.Duration STOP_LIMIT = java.time.Duration.ofMinutes(2);

    private final AnalysisRuns runs;
    private final RouteSync routes;
    private final ReleaseCommands commands;
    private final TrafficFirstRollback rollback;

    public CanaryStrategy(AnalysisRuns runs, RouteSync routes, ReleaseCommands commands) {
        this.runs = runs;
        this.routes = routes;
        this.commands = commands;
        this.rollback = new TrafficFirstRollback(runs, routes);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Start begin(List<ServiceChange> changes, List<ReplicaSet> current) {
        ReleaseSpec.Canary spec = (ReleaseSpec.Canary) GrayPlans.lead(changes).spec().release();
        return new Start(GrayPlans.initialState(changes, current), spec.steps().size());
    }

    @Override
    public void reconcile(ReleaseContext ctx) {
        try {
            reconcilePass(ctx);
        } finally {
            runs.phase(ctx.release().id(), ctx.phase());
        }
    }

    private void reconcilePass(ReleaseContext ctx) {
        if (TrafficFirstRollback.inProgress(ctx)) {
            rollback.reconcile(ctx);
            return;
        }
        if (ctx.abortReason() != null) {
            rollback.begin(ctx, "aborted: " + ctx.abortReason(), true);
            return;
        }
        ReleaseSpec.Canary spec = canary(ctx);
        ReleaseAnalyses analyses = runs.of(ctx.release().id(), ctx.app());
        if (ctx.phase() == Phase.Pending) {
            ctx.phase(Phase.Progressing, "progressing");
            GrayRelease.startAdded(ctx);
        }
        reconcileRouting(ctx, spec);
        Command command = commands.take(ctx.release().id());
        if (command != null) {
            reconcileCommand(ctx, spec, analyses, command);
            if (TrafficFirstRollback.inProgress(ctx)) {
                return;
            }
        }
        reconcileSteps(ctx, spec, analyses);
    }

    /** Match rules and sticky sessions of the lead's spec on the route of every replaced service. */
    private void reconcileRouting(ReleaseContext ctx, ReleaseSpec.Canary spec) {
        for (GrayService c : GrayRelease.replaced(ctx)) {
            ServiceSpec service = GrayRelease.spec(ctx, c.service());
            if (service.route() == null || (spec.match().isEmpty() && !spec.sticky())) {
                continue;
            }
            routes.releaseRouting(ctx.app(), c.service(), new RouteSync.ReleaseRouting(
                    spec.matchRules(String.valueOf(c.to())), spec.sticky(), null, null));
        }
    }

    private void reconcileSteps(ReleaseContext ctx, ReleaseSpec.Canary spec, ReleaseAnalyses analyses) {
        boolean heldByHand = ctx.phase() == Phase.Paused && GrayRelease.pauseReason(ctx) == PauseReason.User;
        for (int i = 0; i < MAX_ACTIONS; i++) {
            ReleaseAction action = CanaryPlanner.next(context(ctx, spec, analyses));
            if (heldByHand && !(action instanceof ReleaseAction.Rollback)) {
                return; // paused by hand: only a failed analysis still acts
            }
            if (!perform(ctx, spec, analyses, action)) {
                return;
            }
        }
        LOG.warn("Release {}: {} actions in one pass; going on at the next", ctx.release().id(), MAX_ACTIONS);
    }

    /** Performs one action; true when the planner should be asked again in this pass. */
    private boolean perform(ReleaseContext ctx, ReleaseSpec.Canary spec, ReleaseAnalyses analyses, ReleaseAction action) {
        int index = ctx.state().get("index").asInt();
        int total = spec.steps().size();
        if (index < total) {
            GrayRelease.announce(ctx, index + 1, total, spec.steps().get(index).describe());
        }
        if (action instanceof ReleaseAction.StartAnalysis a) {
            Slot slot = a.background() ? Slot.Background : Slot.Step;
            analyses.start(a, GrayRelease.analysisContext(ctx, a.background() ? 0 : index + 1, Map.of()));
            GrayRelease.analysisStarted(ctx, slot);
            ctx.message(a.describe());
            return true;
        }
        if (action instanceof ReleaseAction.SetWeight a) {
            ToIntFunction<GrayService> count = c -> Weights.split(c.replicas(), a.weight(), scale(ctx)).canary();
            if (!scaled(ctx, count)) {
                return false;
            }
            if (ctx.state().get("weight").asInt() != a.weight() || ctx.canaryWeight() != a.weight()) {
                GrayRelease.weights(ctx, a.weight());
            }
            completeStep(ctx, analyses);
            return true;
        }
        if (action instanceof ReleaseAction.Scale a) {
            int weight = ctx.state().get("weight").asInt();
            ToIntFunction<GrayService> count = c -> Weights.split(c.replicas(), weight, a.inForce()).canary();
            if (!scaled(ctx, count)) {
                return false;
            }
            if (a.inForce() == null) {
                ctx.state().remove("scale");
            } else {
                ctx.state().set("scale", Json.MAPPER.valueToTree(a.inForce()));
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
        if (action instanceof ReleaseAction.Wait a) {
            if (ctx.phase() != Phase.Paused || GrayRelease.pauseReason(ctx) == PauseReason.Step) {
                ctx.message(a.reason());
            }
            return false;
        }
        if (action instanceof ReleaseAction.Advance a) {
            GrayRelease.resume(ctx, a.reason());
            ctx.message(a.reason());
            completeStep(ctx, analyses);
            return true;
        }
        if (action instanceof ReleaseAction.PauseInconclusive a) {
            if (ctx.phase() != Phase.Paused || GrayRelease.pauseReason(ctx) != PauseReason.Inconclusive) {
                GrayRelease.pause(ctx, null, PauseReason.Inconclusive, a.describe()
                        + "; resume to measure again, promote to accept, abort to roll back");
            }
            return false;
        }
        if (action instanceof ReleaseAction.Rollback a) {
            rollback.begin(ctx, a.reason(), false);
            return false;
        }
        if (action instanceof ReleaseAction.Complete) {
            ctx.step(total);
            ObjectNode s = ctx.state();
            if (!s.has("finishing")) {
                if (!scaled(ctx, GrayService::replicas)) {
                    return false;
                }
                // All the traffic to the new revision at full scale; the stable replicas are drained, then stopped.
                GrayRelease.weights(ctx, 100);
                GrayRelease.dropReplaced(ctx);
                for (GrayService c : GrayRelease.services(ctx)) {
                    routes.releaseRouting(ctx.app(), c.service(), null);
                }
                runs.close(ctx.release().id());
                s.put("finishing", ctx.now());
                ctx.message("promoted: revision " + ctx.to().revision() + " serves 100%; stopping the stable replicas");
                return false;
            }
            if (GrayRelease.replacedGone(ctx, s.get("finishing").asLong(), STOP_LIMIT.toMillis())) {
                GrayRelease.succeed(ctx);
            }
            return false;
        }
        throw new IllegalStateException("a canary cannot " + action.describe());
    }

    /** Scales the new revision; false while it is not healthy yet (or once the rollback for that began). */
    private boolean scaled(ReleaseContext ctx, ToIntFunction<GrayService> count) {
        if (GrayRelease.scaleNew(ctx, count)) {
            GrayRelease.scalingDone(ctx);
            return true;
        }
        String unhealthy = GrayRelease.unhealthyTooLong(ctx, count);
        if (unhealthy != null) {
            rollback.begin(ctx, unhealthy, false);
        }
        return false;
    }

    private static void completeStep(ReleaseContext ctx, ReleaseAnalyses analyses) {
        ObjectNode s = ctx.state();
        s.put("index", s.get("index").asInt() + 1);
        s.remove("pauseStartedAt");
        s.remove("pauseReason");
        GrayRelease.resetAnalysis(ctx, analyses, Slot.Step);
    }

    private void reconcileCommand(ReleaseContext ctx, ReleaseSpec.Canary spec, ReleaseAnalyses analyses, Command command) {
        PauseReason reason = ctx.phase() == Phase.Paused
                ? java.util.Objects.requireNonNullElse(GrayRelease.pauseReason(ctx), PauseReason.Step) : null;
        Transition t = Phases.decide(new ReleaseState(NAME, ctx.phase(), reason, false), command);
        if (t instanceof Transition.NotApplicable n) {
            LOG.info("Release {}: {} no longer applies: {}", ctx.release().id(), command.verb(), n.reason());
            return;
        }
        Transition.Allowed a = (Transition.Allowed) t;
        switch (a.effect()) {
            case SkipStep -> {
                if (GrayRelease.analysis(ctx, analyses, Slot.Background).status() == AnalysisState.Status.Inconclusive) {
                    GrayRelease.resetAnalysis(ctx, analyses, Slot.Background);
                }
                GrayRelease.resume(ctx, a.message());
                ctx.message(a.message());
                if (ctx.state().get("index").asInt() < spec.steps().size()) {
                    completeStep(ctx, analyses);
                }
            }
            case SkipAllSteps -> {
                GrayRelease.resetAnalysis(ctx, analyses, Slot.Step);
                GrayRelease.resetAnalysis(ctx, analyses, Slot.Background);
                GrayRelease.resume(ctx, a.message());
                ctx.message(a.message());
                ctx.state().put("index", spec.steps().size());
                ctx.state().remove("pauseStartedAt");
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
        ObjectNode s = ctx.state();
        GrayService lead = GrayRelease.replaced(ctx).stream()
                .filter(c -> c.service().equals(GrayRelease.lead(ctx))).findFirst().orElseThrow();
        return new CanaryContext(spec, lead.replicas(), false, Math.min(s.get("index").asInt(), spec.steps().size()),
                s.get("weight").asInt(), scale(ctx), GrayRelease.pauseStartedAt(ctx),
                GrayRelease.analysis(ctx, analyses, Slot.Step), GrayRelease.analysis(ctx, analyses, Slot.Background),
                Instant.ofEpochMilli(ctx.now()));
    }

    private static CanaryStep.SetCanaryScale scale(ReleaseContext ctx) {
        JsonNode n = ctx.state().get("scale");
        return n == null || n.isNull() ? null : Json.MAPPER.convertValue(n, CanaryStep.SetCanaryScale.class);
    }

    private static ReleaseSpec.Canary canary(ReleaseContext ctx) {
        return (ReleaseSpec.Canary) GrayRelease.spec(ctx, GrayRelease.lead(ctx)).release();
    }
}
