package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.Weights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rollback of every strategy, traffic first: in the pass that decides it, every service's route goes back to
 * the sets the release started from (match rules and preview routes removed too), with the new replicas still
 * running but weightless; once the stable replicas are all healthy (they kept their scale, so at once) the new
 * sets are dropped and the engine drains and stops their replicas; then the release ends RolledBack (Aborted for
 * a person's abort, Failed when the stable revision did not come back or there was none) with the reason. All
 * services of the release go back together.
 * <p>
 * Reads {@link ReleaseProgress#original} (the sets before the release); keeps its own progress in
 * {@link ReleaseProgress#rollback}.
 */
public final class TrafficFirstRollback {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final Consumer<ReleaseContext> releaseEnded;

    /**
     * @param releaseEnded what the strategy lets go of when its release stops going forward (routing it added,
     *                     analyses); called when the rollback begins and when it ends
     */
    public TrafficFirstRollback(Consumer<ReleaseContext> releaseEnded) {
        this.releaseEnded = releaseEnded;
    }

    public static boolean inProgress(ReleaseContext ctx) {
        return ctx.progress().rollback != null;
    }

    /** Starts the rollback: weights back to the sets the release started from, in this very pass. */
    public void begin(ReleaseContext ctx, String reason, boolean aborted) {
        releaseEnded.accept(ctx);
        ReleaseProgress.Rollback rb = new ReleaseProgress.Rollback();
        rb.reason = reason;
        rb.aborted = aborted;
        rb.since = ctx.now();
        rb.stage = "restore";
        ctx.progress().rollback = rb;
        ctx.progress().pauseReason = null;
        ctx.progress().pauseStartedAt = null;
        Integer from = ctx.from() == null ? null : ctx.from().revision();
        String text = from == null ? "removing revision " + ctx.to().revision() + ": " + reason
                : (aborted ? "aborting, " : "") + "rolling back to revision " + from + ": " + reason;
        if (ctx.phase() == Phase.Paused || ctx.phase() == Phase.Pending) {
            ctx.phase(Phase.Progressing, text);
        }
        ctx.message(text);
        ctx.event(EventTypes.ROLLBACK_STARTED, text, Map.of("reason", reason, "aborted", aborted));
        List<ReplicaSet> original = ctx.progress().original;
        ctx.restoreKeepingNewWeightless(original);
        ctx.to().serviceRevisions().forEach((service, revision) -> {
            boolean replaces = original.stream().anyMatch(o -> o.service().equals(service));
            if (!replaces || isOriginal(original, service, revision)) {
                return;
            }
            Map<Integer, Integer> w = new LinkedHashMap<>();
            original.stream().filter(o -> o.service().equals(service)).forEach(o -> w.put(o.revision(), o.weight()));
            w.put(revision, 0);
            Map<String, Integer> byRevision = new LinkedHashMap<>();
            w.forEach((rev, pct) -> byRevision.put(String.valueOf(rev), pct));
            ctx.event(EventTypes.TRAFFIC_SHIFTED, "traffic " + service + " back to stable: " + Weights.describe(w),
                    Map.of("service", service, "weights", byRevision, "canaryWeight", 0));
        });
        ctx.canaryWeight(0);
        ctx.progress().weight = 0;
    }

    /** Goes on with a rollback in progress. */
    public void reconcile(ReleaseContext ctx) {
        ReleaseProgress.Rollback rb = ctx.progress().rollback;
        List<ReplicaSet> original = ctx.progress().original;
        boolean overdue = ctx.now() - rb.since > LIMIT.toMillis();
        if (rb.stage.equals("restore")) {
            boolean ready = ctx.allHealthy(original);
            if (!ready && !overdue) {
                return;
            }
            rb.stableRestored = ready;
            ctx.replaceSets(original);
            List<String> stopping = new ArrayList<>();
            rb.stopping = stopping;
            ctx.to().serviceRevisions().forEach((service, revision) -> {
                if (!isOriginal(original, service, revision)) {
                    ctx.leftovers(service, revision, 0).forEach(r -> stopping.add(r.displayName()));
                }
            });
            rb.stage = "remove";
            rb.since = ctx.now();
            return;
        }
        boolean newGone = ctx.to().serviceRevisions().entrySet().stream()
                .filter(e -> !isOriginal(original, e.getKey(), e.getValue()))
                .allMatch(e -> ctx.leftovers(e.getKey(), e.getValue(), 0).isEmpty());
        if (!newGone && !overdue) {
            return;
        }
        for (String name : rb.stopping == null ? List.<String>of() : rb.stopping) {
            ctx.event(EventTypes.REPLICA_STOPPED, "replica " + name + " drained and stopped", Map.of("replica", name));
        }
        releaseEnded.accept(ctx);
        end(ctx, rb.reason, rb.aborted, rb.stableRestored == null || rb.stableRestored);
    }

    private static void end(ReleaseContext ctx, String reason, boolean aborted, boolean stableRestored) {
        String id = ctx.release().id();
        if (ctx.from() == null) {
            // A first release has nothing to go back to: its replicas are gone, and so is the app's service.
            String text = aborted ? "release " + id + " aborted, nothing left running: " + reason
                    : "release " + id + " failed, no previous revision to roll back to: " + reason;
            ctx.phase(aborted ? Phase.Aborted : Phase.Failed, text);
            ctx.event(aborted ? EventTypes.RELEASE_ABORTED : EventTypes.RELEASE_FAILED, text, Map.of("reason", reason));
            return;
        }
        int from = ctx.from().revision();
        ctx.serveRevision(from);
        Phase end = Phases.afterRollback(aborted ? Phases.RollbackCause.Aborted : Phases.RollbackCause.AnalysisFailed,
                stableRestored);
        String text = switch (end) {
            case Aborted -> "release " + id + " aborted, back at revision " + from + ": " + reason;
            case RolledBack -> "rolled back to revision " + from + ": " + reason;
            default -> "release " + id + " failed: the stable revision " + from
                    + " did not become healthy again after the rollback (" + reason + "); the app needs a person";
        };
        ctx.phase(end, text);
        String type = switch (end) {
            case Aborted -> EventTypes.RELEASE_ABORTED;
            case RolledBack -> EventTypes.RELEASE_ROLLED_BACK;
            default -> EventTypes.RELEASE_FAILED;
        };
        ctx.event(type, text, Map.of("reason", reason, "revision", from));
    }

    private static boolean isOriginal(List<ReplicaSet> original, String service, int revision) {
        return original.stream().anyMatch(o -> o.service().equals(service) && o.revision() == revision);
    }

}
