package io.jenkins.plugins.slipway.runner.release.bluegreen;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
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
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A blue-green release driven by {@link BlueGreenPlanner}: the new revision of every replaced service starts at
 * full scale beside the old one with no traffic, the lead service's new revision is served alone on
 * {@code previewPort}, the {@code prePromotionAnalysis} runs against it, and after a promote (or
 * {@code autoPromotionSeconds}) every route switches in one spec swap each. The old revision keeps running
 * {@code scaleDownDelaySeconds}, so an abort in that time switches back at once; then it is stopped. A preview
 * port the router cannot bind rolls the release back: a revision nobody could test is not offered for promotion.
 * <p>
 * Steps as reported: 1 start the new revision, 2 preview and pre-promotion analysis, 3 promotion and switch,
 * 4 stop the old revision. State beyond {@link GrayRelease}'s: {@code previewRouted}, {@code promotion},
 * {@code switchedAt}, {@code oldScaledDown}.
 */
public final class BlueGreenStrategy extends GrayStrategy {
    public static final String NAME = ReleaseSpec.BLUE_GREEN;
    public static final int STEPS = 4;
    private static final int MAX_ACTIONS = 16;

    public BlueGreenStrategy(AnalysisRuns runs, RouteSync routes) {
        super(NAME, runs, routes);
    }

    @Override
    protected int stepCount(ServiceChange lead) {
        return STEPS;
    }

    @Override
    protected void progress(ReleaseContext ctx, ReleaseAnalyses analyses) {
        ReleaseSpec.BlueGreen spec = blueGreen(ctx);
        boolean switched = ctx.progress().switchedAt != null;
        if (Boolean.TRUE.equals(ctx.progress().previewRouted) && !switched) {
            RouteSync.RouteFailure preview = ctx.previewRouteFailure(GrayRelease.lead(ctx));
            if (preview != null) {
                // Nobody can test the new revision where the release says it is: do not switch to it untested.
                rollback.begin(ctx, "service " + GrayRelease.lead(ctx) + ": preview port " + preview.port()
                        + " cannot be bound: " + preview.cause(), false);
                return;
            }
            routePreview(ctx, spec.previewPort());
        }
        Command command = ctx.command();
        if (command != null) {
            reconcileCommand(ctx, analyses, command);
        }
        boolean ready = switched;
        if (!switched) {
            GrayRelease.announce(ctx, 1, STEPS, "start the new revision at full scale, without traffic");
            ready = scaledNew(ctx, GrayService::replicas);
            if (TrafficFirstRollback.inProgress(ctx)) {
                return;
            }
        }
        boolean scaled = ready;
        follow(ctx, MAX_ACTIONS, () -> BlueGreenPlanner.next(context(ctx, spec, analyses, scaled)),
                action -> perform(ctx, spec, analyses, action));
    }

    private boolean perform(ReleaseContext ctx, ReleaseSpec.BlueGreen spec, ReleaseAnalyses analyses,
                            ReleaseAction action) {
        ReleaseProgress s = ctx.progress();
        if (performedWaitOrRollback(ctx, action)) {
            return false;
        }
        if (action instanceof ReleaseAction.ScaleNew) {
            return false; // done before asking; the planner only sees replicas once they are healthy
        }
        if (action instanceof ReleaseAction.RoutePreview a) {
            GrayRelease.announce(ctx, 2, STEPS, "preview and pre-promotion checks");
            routePreview(ctx, a.port());
            s.previewRouted = true;
            String text = "preview: revision " + ctx.to().revision() + " of " + GrayRelease.lead(ctx)
                    + " alone on 127.0.0.1:" + a.port();
            ctx.message(text);
            ctx.event(EventTypes.TRAFFIC_SHIFTED, text, Map.of("service", GrayRelease.lead(ctx), "preview", true,
                    "port", a.port(), "revision", ctx.to().revision()));
            return false; // the router binds the port after this pass; the next one goes on only if it could
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
        if (action instanceof ReleaseAction.Switch a) {
            GrayRelease.announce(ctx, 3, STEPS, "promotion and switch");
            GrayRelease.resume(ctx, "promoted: switching");
            GrayRelease.weights(ctx, 100);
            s.switchedAt = ctx.now();
            routes.releaseRouting(ctx.app(), GrayRelease.lead(ctx), null);
            ctx.message("switched to revision " + ctx.to().revision() + "; the old revision stops at " + a.scaleDownOldAt());
            return true;
        }
        if (action instanceof ReleaseAction.ScaleDownOld) {
            GrayRelease.announce(ctx, 4, STEPS, "stop the old revision");
            if (s.scaleDownAt == null) {
                s.scaleDownAt = stopReplaced(ctx);
            }
            if (!replacedStopped(ctx, s.scaleDownAt)) {
                ctx.message("stopping the old revision");
                return false;
            }
            s.oldScaledDown = true;
            return true;
        }
        if (action instanceof ReleaseAction.Complete) {
            ctx.step(STEPS);
            GrayRelease.succeed(ctx);
            endRoutingAndAnalyses(ctx);
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
        Transition.Allowed a = decide(ctx, command);
        if (a == null) {
            return;
        }
        ReleaseProgress s = ctx.progress();
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

    private static void promote(ReleaseProgress s, Promotion p) {
        if (p.ordinal() > promotion(s).ordinal()) {
            s.promotion = p;
        }
    }

    private static Promotion promotion(ReleaseProgress s) {
        return s.promotion == null ? Promotion.None : s.promotion;
    }

    private BlueGreenContext context(ReleaseContext ctx, ReleaseSpec.BlueGreen spec, ReleaseAnalyses analyses,
                                     boolean ready) {
        ReleaseProgress s = ctx.progress();
        GrayService lead = GrayRelease.leadService(ctx);
        int total = lead.replicas();
        int readyCount = ready ? total : Math.min(total - 1, (int) ctx.replicas(lead.service(), lead.to(), total)
                .stream().filter(r -> r.healthy()).count());
        Long switchedAt = s.switchedAt;
        return new BlueGreenContext(spec, total, false, total, Math.max(0, readyCount),
                Boolean.TRUE.equals(s.previewRouted), GrayRelease.analysis(ctx, analyses, Slot.Step),
                GrayRelease.pauseStartedAt(ctx), promotion(s),
                switchedAt == null ? null : Instant.ofEpochMilli(switchedAt), Boolean.TRUE.equals(s.oldScaledDown),
                Instant.ofEpochMilli(ctx.now()));
    }

    private static ReleaseSpec.BlueGreen blueGreen(ReleaseContext ctx) {
        return (ReleaseSpec.BlueGreen) GrayRelease.spec(ctx, GrayRelease.lead(ctx)).release();
    }
}
