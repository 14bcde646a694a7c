package io.jenkins.plugins.slipway.runner.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import io.jenkins.plugins.slipway.runner.traffic.Weights;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollback of a canary or blue-green release, traffic first: in the pass that decides it, every service's
 * route goes back to its stable revision (match rules and preview routes removed too), with the new replicas
 * still running but weightless; once the stable replicas are all healthy (they kept their full scale, so at
 * once) the new sets are dropped and the reconciler drains and stops their replicas; then the release ends
 * RolledBack (or Aborted, for a person's abort) with the reason. All services of the release go back together.
 * <p>
 * State: {@code rollback} with {@code reason}, {@code aborted}, {@code stage} (restore, remove) and {@code since}.
 */
public final class TrafficFirstRollback {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final AnalysisRuns analyses;
    private final RouteSync routes;

    public TrafficFirstRollback(AnalysisRuns analyses, RouteSync routes) {
        this.analyses = analyses;
        this.routes = routes;
    }

    public static boolean inProgress(ReleaseContext ctx) {
        return ctx.state().has("rollback");
    }

    /** Starts the rollback: weights back to stable in this very pass. */
    public void begin(ReleaseContext ctx, String reason, boolean aborted) {
        analyses.close(ctx.release().id());
        for (GrayService c : GrayRelease.services(ctx)) {
            routes.releaseRouting(ctx.app(), c.service(), null);
        }
        ObjectNode rb = ctx.state().putObject("rollback");
        rb.put("reason", reason);
        rb.put("aborted", aborted);
        rb.put("since", ctx.now());
        rb.put("stage", "restore");
        ctx.state().remove("pauseReason");
        ctx.state().remove("pauseStartedAt");
        Integer from = ctx.from() == null ? null : ctx.from().revision();
        String text = (aborted ? "aborting, " : "") + "rolling back to revision " + from + ": " + reason;
        if (ctx.phase() == Phase.Paused || ctx.phase() == Phase.Pending) {
            ctx.phase(Phase.Progressing, text);
        }
        ctx.message(text);
        ctx.event(EventTypes.ROLLBACK_STARTED, text, Map.of("reason", reason, "aborted", aborted));
        List<ReplicaSet> original = GrayRelease.original(ctx);
        ctx.restoreKeepingNewWeightless(original);
        for (GrayService c : GrayRelease.replaced(ctx)) {
            Map<Integer, Integer> w = new LinkedHashMap<>();
            original.stream().filter(o -> o.service().equals(c.service())).forEach(o -> w.put(o.revision(), o.weight()));
            w.put(c.to(), 0);
            Map<String, Integer> byRevision = new LinkedHashMap<>();
            w.forEach((rev, pct) -> byRevision.put(String.valueOf(rev), pct));
            ctx.event(EventTypes.TRAFFIC_SHIFTED, "traffic " + c.service() + " back to stable: " + Weights.describe(w),
                    Map.of("service", c.service(), "weights", byRevision, "canaryWeight", 0));
        }
        ctx.canaryWeight(0);
        ctx.state().put("weight", 0);
    }

    /** Goes on with a rollback in progress. */
    public void reconcile(ReleaseContext ctx) {
        ObjectNode rb = (ObjectNode) ctx.state().get("rollback");
        List<ReplicaSet> original = GrayRelease.original(ctx);
        boolean overdue = ctx.now() - rb.get("since").asLong() > LIMIT.toMillis();
        if (rb.get("stage").asText().equals("restore")) {
            boolean ready = ctx.allHealthy(original);
            if (!ready && !overdue) {
                return;
            }
            rb.put("stableRestored", ready);
            ctx.replaceSets(original);
            ArrayNode stopping = rb.putArray("stopping");
            for (GrayService c : GrayRelease.services(ctx)) {
                if (c.to() != null && original.stream().noneMatch(o -> o.service().equals(c.service()) && o.revision() == c.to())) {
                    ctx.leftovers(c.service(), c.to(), 0).forEach(r -> stopping.add(r.displayName()));
                }
            }
            rb.put("stage", "remove");
            rb.put("since", ctx.now());
            return;
        }
        boolean newGone = true;
        for (GrayService c : GrayRelease.services(ctx)) {
            if (c.to() != null && original.stream().noneMatch(o -> o.service().equals(c.service()) && o.revision() == c.to())) {
                newGone &= ctx.leftovers(c.service(), c.to(), 0).isEmpty();
            }
        }
        if (!newGone && !overdue) {
            return;
        }
        for (JsonNode name : rb.withArray("stopping")) {
            ctx.event(EventTypes.REPLICA_STOPPED, "replica " + name.asText() + " drained and stopped",
                    Map.of("replica", name.asText()));
        }
        String reason = rb.get("reason").asText();
        boolean aborted = rb.get("aborted").asBoolean();
        Phase end = Phases.afterRollback(aborted ? Phases.RollbackCause.Aborted : Phases.RollbackCause.AnalysisFailed,
                rb.path("stableRestored").asBoolean(true));
        int from = ctx.from().revision();
        ctx.serveRevision(from);
        analyses.close(ctx.release().id());
        String text = switch (end) {
            case Aborted -> "release " + ctx.release().id() + " aborted, back at revision " + from + ": " + reason;
            case RolledBack -> "rolled back to revision " + from + ": " + reason;
            default -> "release " + ctx.release().id() + " failed: the stable revision " + from
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
}
