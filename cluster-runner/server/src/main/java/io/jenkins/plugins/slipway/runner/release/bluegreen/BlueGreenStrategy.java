package io.jenkins.plugins.slipway.runner.release.bluegreen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
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
import io.jenkins.plugins.slipway.runner.release.plan.BlueGreenContext;
import io.jenkins.plugins.slipway.runner.release.plan.BlueGreenPlanner;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseState;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blue-green release driven by {@link BlueGreenPlanner}: the new revision of every replaced service starts at
 * full scale beside the old one with no traffic, the lead service's new revision is served alone on
 * {@code previewPort}, the {@code prePromotionAnalysis} runs against it, and after a promote (or
 * {@code autoPromotionSeconds}) every route switches in one spec swap each. The old revision keeps running
 * {@code scaleDownDelaySeconds}, so an abort in that time switches back at once; then it is stopped.
 * <p>
 * Steps as reported: 1 start the new revision, 2 preview and pre-promotion analysis, 3 promotion and switch,
 * 4 stop the old revision. State beyond {@link GrayRelease}'s: {@code previewRouted}, {@code promotion},
 * {@code switchedAt}, {@code oldScaledDown}.
 */
public final class BlueGreenStrategy implements Strategy {
    public static final String NAME = "blueGreen";
    public static final int STEPS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(BlueGreenStrategy.class);
    private static final int MAX_ACTIONS = 16;
    /** How long the end of a release waits for the old replicas to stop. */
    private static final java.time.Duration STOP_LIMIT = java.time.Duration.ofMinutes(2);

    private final AnalysisRuns runs;
    private final RouteSync routes;
    private final ReleaseCommands commands;
    private final TrafficFirstRollback rollback;

    public BlueGreenStrategy(AnalysisRuns runs, RouteSync routes, ReleaseCommands commands) {
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
        return new Start(GrayPlans.initialState(changes, current), STEPS);
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
        ReleaseSpec.BlueGreen spec = blueGreen(ctx);
        ReleaseAnalyses analyses = runs.of(ctx.release().id(), ctx.app());
        ObjectNode s = ctx.state();
        if (ctx.phase() == Phase.Pending) {
            ctx.phase(Phase.Progressing, "progressing");
            GrayRelease.startAdded(ctx);
        }
        boolean switched = s.has("switchedAt");
        if (s.path("previewRouted").asBoolean() && !switched) {
            routePreview(ctx, spec.previewPort());
        }
        Command command = commands.take(ctx.release().id());
        if (command != null) {
            reconcileCommand(ctx, analyses, command);
        }
        boolean ready = switched;
        if (!switched) {
            GrayRelease.announce(ctx, 1, STEPS, "start the new revision at full scale, without traffic");
            ready = GrayRelease.scaleNew(ctx, GrayService::replicas);
            if (ready) {
                GrayRelease.scalingDone(ctx);
            } else {
                String unhealthy = GrayRelease.unhealthyTooLong(ctx, GrayService::replicas);
                if (unhealthy != null) {
                    rollback.begin(ctx, unhealthy, false);
                    return;
                }
            }
        }
        boolean heldByHand = ctx.phase() == Phase.Paused && GrayRelease.pauseReason(ctx) == PauseReason.User;
        for (int i = 0; i < MAX_ACTIONS; i++) {
            ReleaseAction action = BlueGreenPlanner.next(context(ctx, spec, analyses, ready));
            if (heldByHand && !(action instanceof ReleaseAction.Rollback)) {
                return;
            }
            if (!perform(ctx, spec, analyses, action)) {
                return;
            }
        }
        LOG.warn("Release {}: {} actions in one pass; going on at the next", ctx.release().id(), MAX_ACTIONS);
    }

    private boolean perform(ReleaseContext ctx, ReleaseSpec.BlueGreen spec, ReleaseAnalyses analyses,
                            ReleaseAction action) {
        ObjectNode s = ctx.state();
        if (action instanceof ReleaseAction.ScaleNew) {
            return false; // done before asking; the planner only sees replicas once they are healthy
        }
        if (action instanceof ReleaseAction.RoutePreview a) {
            GrayRelease.announce(ctx, 2, STEPS, "preview and pre-promotion checks");
            routePreview(ctx, a.port());
            s.put("previewRouted", true);
            String text = "preview: revision " + ctx.to().revision() + " of " + GrayRelease.lead(ctx)
                    + " alone on 127.0.0.1:" + a.port();
            ctx.message(text);
            ctx.event(EventTypes.TRAFFIC_SHIFTED, text, Map.of("service", GrayRelease.lead(ctx), "preview", true,
                    "port", a.port(), "revision", ctx.to().revision()));
            return true;
        }
        if (action instanceof ReleaseAction.StartAnalysis a) {
            GrayRelease.announce(ctx, 2, STEPS, "preview and pre-promotion checks");
            Map<String, String> route = spec.previewPort() == null ? Map.of()
                    : Map.of(GrayRelease.lead(ctx), RouteSync.previewRouteName(ctx.app(), GrayRelease.lead(ctx)));
            analyses.start(a, GrayRelease.analysisContext(ctx, 2, route));
            GrayRelease.analysisStarted(ctx, Slot.Step);
            ctx.message("pre-promotion " + a.describe());
            return true;
        }
        if (action instanceof ReleaseAction.StartPause a) {
            GrayRelease.announce(ctx, 3, STEPS, "promotion and switch");
            String preview = spec.previewPort() == null ? "" : " (preview on 127.0.0.1:" + spec.previewPort() + ")";
            String text = "new revision " + ctx.to().revision() + " ready" + preview + "; "
                    + (a.until() == null ? "waiting to be promoted" : "switching at " + a.until() + " unless aborted");
            GrayRelease.pause(ctx, a.until(), PauseReason.Step, text);
            return false;
        }
        if (action instanceof ReleaseAction.Wait a) {
            if (ctx.phase() != Phase.Paused || GrayRelease.pauseReason(ctx) == PauseReason.Step) {
                ctx.message(a.reason());
            }
            return false;
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
        if (action instanceof ReleaseAction.Switch a) {
            GrayRelease.announce(ctx, 3, STEPS, "promotion and switch");
            GrayRelease.resume(ctx, "promoted: switching");
            GrayRelease.weights(ctx, 100);
            s.put("switchedAt", ctx.now());
            routes.releaseRouting(ctx.app(), GrayRelease.lead(ctx), null);
            ctx.message("switched to revision " + ctx.to().revision() + "; the old revision stops at " + a.scaleDownOldAt());
            return true;
        }
        if (action instanceof ReleaseAction.ScaleDownOld) {
            GrayRelease.announce(ctx, 4, STEPS, "stop the old revision");
            if (!s.has("scaleDownAt")) {
                GrayRelease.dropReplaced(ctx);
                s.put("scaleDownAt", ctx.now());
            }
            if (!GrayRelease.replacedGone(ctx, s.get("scaleDownAt").asLong(), STOP_LIMIT.toMillis())) {
                ctx.message("stopping the old revision");
                return false;
            }
            s.put("oldScaledDown", true);
            return true;
        }
        if (action instanceof ReleaseAction.Complete) {
            ctx.step(STEPS);
            GrayRelease.succeed(ctx);
            for (GrayService c : GrayRelease.services(ctx)) {
                routes.releaseRouting(ctx.app(), c.service(), null);
            }
            runs.close(ctx.release().id());
            return false;
        }
        throw new IllegalStateException("a blue-green release cannot " + action.describe());
    }

    private void routePreview(ReleaseContext ctx, Integer port) {
        if (port != null) {
            routes.releaseRouting(ctx.app(), GrayRelease.lead(ctx),
                    new RouteSync.ReleaseRouting(List.of(), false, port, ctx.to().revision()));
        }
    }

    private void reconcileCommand(ReleaseContext ctx, ReleaseAnalyses analyses, Command command) {
        PauseReason reason = ctx.phase() == Phase.Paused
                ? Objects.requireNonNullElse(GrayRelease.pauseReason(ctx), PauseReason.Step) : null;
        Transition t = Phases.decide(new ReleaseState(NAME, ctx.phase(), reason, false), command);
        if (t instanceof Transition.NotApplicable n) {
            LOG.info("Release {}: {} no longer applies: {}", ctx.release().id(), command.verb(), n.reason());
            return;
        }
        Transition.Allowed a = (Transition.Allowed) t;
        ObjectNode s = ctx.state();
        switch (a.effect()) {
            case SkipStep -> {
                // Promoting past an inconclusive pre-promotion analysis accepts it.
                boolean inconclusive = GrayRelease.analysis(ctx, analyses, Slot.Step).status()
                        == AnalysisState.Status.Inconclusive;
                promote(s, inconclusive ? Promotion.Full : Promotion.Next);
                GrayRelease.resume(ctx, a.message());
            }
            case SkipAllSteps -> {
                promote(s, Promotion.Full);
                GrayRelease.resetAnalysis(ctx, analyses, Slot.Step);
                GrayRelease.resume(ctx, a.message());
            }
            case Hold -> GrayRelease.pause(ctx, null, PauseReason.User, a.message());
            case Continue -> GrayRelease.resume(ctx, a.message());
            case RetryAnalysis -> {
                GrayRelease.resetAnalysis(ctx, analyses, Slot.Step);
                GrayRelease.resume(ctx, a.message());
            }
            case RollBack -> rollback.begin(ctx, "aborted", true);
            default -> throw new IllegalStateException("unexpected effect " + a.effect());
        }
    }

    private static void promote(ObjectNode s, Promotion p) {
        Promotion now = promotion(s);
        if (p.ordinal() > now.ordinal()) {
            s.put("promotion", p.name());
        }
    }

    private static Promotion promotion(ObjectNode s) {
        return Promotion.valueOf(s.path("promotion").asText(Promotion.None.name()));
    }

    private BlueGreenContext context(ReleaseContext ctx, ReleaseSpec.BlueGreen spec, ReleaseAnalyses analyses,
                                     boolean ready) {
        ObjectNode s = ctx.state();
        GrayService lead = GrayRelease.replaced(ctx).stream()
                .filter(c -> c.service().equals(GrayRelease.lead(ctx))).findFirst().orElseThrow();
        int total = lead.replicas();
        int readyCount = ready ? total : Math.min(total - 1, (int) ctx.replicas(lead.service(), lead.to(), total)
                .stream().filter(r -> r.healthy()).count());
        Long switchedAt = s.has("switchedAt") ? s.get("switchedAt").asLong() : null;
        return new BlueGreenContext(spec, total, false, total, Math.max(0, readyCount),
                s.path("previewRouted").asBoolean(), GrayRelease.analysis(ctx, analyses, Slot.Step),
                GrayRelease.pauseStartedAt(ctx), promotion(s),
                switchedAt == null ? null : Instant.ofEpochMilli(switchedAt), s.path("oldScaledDown").asBoolean(),
                Instant.ofEpochMilli(ctx.now()));
    }

    private static ReleaseSpec.BlueGreen blueGreen(ReleaseContext ctx) {
        return (ReleaseSpec.BlueGreen) GrayRelease.spec(ctx, GrayRelease.lead(ctx)).release();
    }
}
