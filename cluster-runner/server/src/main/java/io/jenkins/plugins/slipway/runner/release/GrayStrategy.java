package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseState;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What canary and blue-green do alike as strategies ({@link GrayRelease} holds what they share of the release
 * state): a pass first goes on with a rollback in progress or starts one for an abort, a person's command is
 * decided the same way, the planner is asked until an action has to wait, waits and rollbacks are performed
 * alike, and the end of a release waits for the replaced replicas to stop.
 */
public abstract class GrayStrategy implements Strategy {
    private static final Logger LOG = LoggerFactory.getLogger(GrayStrategy.class);
    /** A stuck stop must not hold a release that has already moved all the traffic forever. */
    private static final Duration STOP_LIMIT = Duration.ofMinutes(2);

    private final String name;
    protected final AnalysisRuns runs;
    protected final RouteSync routes;
    protected final TrafficFirstRollback rollback;

    protected GrayStrategy(String name, AnalysisRuns runs, RouteSync routes) {
        this.name = name;
        this.runs = runs;
        this.routes = routes;
        this.rollback = new TrafficFirstRollback(this::endRoutingAndAnalyses);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Start begin(List<ServiceChange> changes, List<ReplicaSet> current) {
        return new Start(GrayPlans.initialState(changes, current), stepCount(GrayPlans.lead(changes)));
    }

    /** The number of steps a release reports, from the change of its lead service. */
    protected abstract int stepCount(ServiceChange lead);

    @Override
    public final void reconcile(ReleaseContext ctx) {
        try {
            if (TrafficFirstRollback.inProgress(ctx)) {
                rollback.reconcile(ctx);
                return;
            }
            if (ctx.abortReason() != null) {
                rollback.begin(ctx, "aborted: " + ctx.abortReason(), true);
                return;
            }
            // Weights nothing applies judge nothing: a route that cannot listen, or one its Gateway refused.
            String routeError = ctx.routeError(GrayRelease.lead(ctx));
            if (routeError != null) {
                rollback.begin(ctx, routeError, false);
                return;
            }
            if (ctx.phase() == Phase.Pending) {
                ctx.phase(Phase.Progressing, "progressing");
                GrayRelease.startAdded(ctx);
            }
            ReleaseAnalyses analyses = runs.of(ctx.release().id(), ctx.app());
            // A run keeps measuring between passes while steps scale the new revision (and the reconciler
            // replaces its replicas on other ports): it probes the replicas this pass sees.
            analyses.newReplicas(GrayRelease.newReplicas(ctx));
            progress(ctx, analyses);
        } finally {
            // Measurements taken between passes are recorded with the phase this pass left.
            runs.phase(ctx.release().id(), ctx.phase());
        }
    }

    /** One pass of a release that has started and is neither rolling back nor aborted. */
    protected abstract void progress(ReleaseContext ctx, ReleaseAnalyses analyses);

    /**
     * Asks the planner and performs its actions until one has to wait ({@code perform} answers false); a list of
     * steps that never waits is cut at {@code maxActions} and goes on at the next pass. While paused by hand, only
     * a rollback (a failed analysis) still acts.
     */
    protected final void follow(ReleaseContext ctx, int maxActions, Supplier<ReleaseAction> planner,
                                Predicate<ReleaseAction> perform) {
        boolean heldByHand = ctx.phase() == Phase.Paused && GrayRelease.pauseReason(ctx) == PauseReason.User;
        for (int i = 0; i < maxActions; i++) {
            ReleaseAction action = planner.get();
            if (heldByHand && !(action instanceof ReleaseAction.Rollback)) {
                return;
            }
            if (!perform.test(action)) {
                return;
            }
        }
        LOG.warn("Release {}: {} actions in one pass; going on at the next", ctx.release().id(), maxActions);
    }

    /**
     * Performs a wait, the pause of an inconclusive analysis or a rollback; false for any other action. Each of
     * them ends the pass's actions.
     */
    protected final boolean performedWaitOrRollback(ReleaseContext ctx, ReleaseAction action) {
        if (action instanceof ReleaseAction.Wait a) {
            // A pause by hand or for an inconclusive analysis keeps the message that says how to go on.
            if (ctx.phase() != Phase.Paused || GrayRelease.pauseReason(ctx) == PauseReason.Step) {
                ctx.message(a.reason());
            }
            return true;
        }
        if (action instanceof ReleaseAction.PauseInconclusive a) {
            if (ctx.phase() != Phase.Paused || GrayRelease.pauseReason(ctx) != PauseReason.Inconclusive) {
                GrayRelease.pause(ctx, null, PauseReason.Inconclusive, a.describe()
                        + "; resume to measure again, promote to accept, abort to roll back");
            }
            return true;
        }
        if (action instanceof ReleaseAction.Rollback a) {
            rollback.begin(ctx, a.reason(), false);
            return true;
        }
        return false;
    }

    /**
     * Scales the new revision of every replaced service to {@code count}; false while it is not healthy yet, and
     * once it has been unhealthy too long, in which case the rollback has begun.
     */
    protected final boolean scaledNew(ReleaseContext ctx, ToIntFunction<GrayService> count) {
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

    /** What a person's command does now; null (and logged) when the release has moved past it. */
    protected final Transition.Allowed decide(ReleaseContext ctx, Command command) {
        PauseReason reason = ctx.phase() == Phase.Paused
                ? Objects.requireNonNullElse(GrayRelease.pauseReason(ctx), PauseReason.Step) : null;
        Transition t = Phases.decide(new ReleaseState(name(), ctx.phase(), reason, false), command);
        if (t instanceof Transition.NotApplicable n) {
            LOG.info("Release {}: {} no longer applies: {}", ctx.release().id(), command.verb(), n.reason());
            return null;
        }
        return (Transition.Allowed) t;
    }

    /** The release no longer needs its routing (match rules, sticky, preview) nor its analyses. */
    protected final void endRoutingAndAnalyses(ReleaseContext ctx) {
        for (GrayService c : GrayRelease.services(ctx)) {
            routes.releaseRouting(ctx.app(), c.service(), null);
        }
        runs.close(ctx.release().id());
    }

    /**
     * Drops the sets of the replaced revisions (the reconciler drains, then stops their replicas); answers when,
     * for {@link #replacedStopped}.
     */
    protected static long stopReplaced(ReleaseContext ctx) {
        GrayRelease.dropReplaced(ctx);
        return ctx.now();
    }

    /** True once the replicas {@link #stopReplaced} let go (at {@code since}) are gone, or {@link #STOP_LIMIT} after. */
    protected static boolean replacedStopped(ReleaseContext ctx, long since) {
        return GrayRelease.replacedGone(ctx, since, STOP_LIMIT.toMillis());
    }
}
