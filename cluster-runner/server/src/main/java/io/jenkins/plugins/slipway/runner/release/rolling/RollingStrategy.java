package io.jenkins.plugins.slipway.runner.release.rolling;

import io.jenkins.plugins.slipway.runner.release.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.ReleaseProgress;
import io.jenkins.plugins.slipway.runner.release.RollingStep;
import io.jenkins.plugins.slipway.runner.release.ServiceChange;
import io.jenkins.plugins.slipway.runner.release.Strategy;
import io.jenkins.plugins.slipway.runner.release.TrafficFirstRollback;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.FailureAction;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.Weights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default release: batch after batch, new replicas start and become healthy, the route's weights follow
 * the replica counts, and the replaced ones are drained and stopped. A batch not healthy by
 * {@code update_config.monitor} rolls the whole app back to the previous revision.
 * <p>
 * Progress in {@link ReleaseContext#progress()}: {@code plan} (the steps), {@code index} (current step, 0-based),
 * {@code stage} and {@code since} (where in the step, since when), {@code reported} (replicas already
 * announced), {@code original} (the sets before the release, restored by {@link TrafficFirstRollback}).
 */
public final class RollingStrategy implements Strategy {
    public static final String NAME = ReleaseSpec.ROLLING;
    /** A rolling release adds no routing and runs no analysis: nothing to let go of when it rolls back. */
    private final TrafficFirstRollback rollback = new TrafficFirstRollback(ctx -> { });
    private static final Duration STOP_LIMIT = Duration.ofMinutes(2);

    @Override
    public String name() {
        return NAME;
    }

    /** Plans batches of {@code update_config.parallelism}; a service with nothing running starts all at once. */
    @Override
    public Start begin(List<ServiceChange> changes, List<ReplicaSet> current) {
        List<RollingStep> plan = RollingPlan.plan(changes);
        ReleaseProgress progress = new ReleaseProgress();
        progress.plan = plan;
        progress.original = List.copyOf(current);
        progress.index = 0;
        return new Start(progress, plan.size());
    }

    @Override
    public void reconcile(ReleaseContext ctx) {
        ReleaseProgress s = ctx.progress();
        if (TrafficFirstRollback.inProgress(ctx)) {
            rollback.reconcile(ctx);
            return;
        }
        if (ctx.abortReason() != null) {
            rollback.begin(ctx, "aborted: " + ctx.abortReason(), true);
            return;
        }
        if (ctx.phase() == Phase.Paused) {
            if (ctx.command() != Command.Resume) {
                return;
            }
            ctx.phase(Phase.Progressing, "resumed");
            s.pauseReason = null;
            ctx.event(EventTypes.RELEASE_RESUMED, "release resumed at step " + ctx.step(), Map.of());
            s.since = ctx.now();
        }
        if (ctx.phase() == Phase.Pending) {
            ctx.phase(Phase.Progressing, "progressing");
        }
        List<RollingStep> plan = s.plan;
        reportStopped(ctx, plan);
        while (s.index < plan.size()) {
            int index = s.index;
            if (!reconcileStep(ctx, plan.get(index), index + 1, plan.size())) {
                return;
            }
            s.index = index + 1;
            s.stage = null;
        }
        if (!"settle".equals(s.stage)) {
            enter(ctx, "settle");
        }
        // The release ends when the replaced replicas are gone, as a step with a delay waits for them.
        if (!stopsSettled(ctx, plan)) {
            return;
        }
        reconcileFinish(ctx, plan);
    }

    /** Works on one step; true when it is done. */
    private boolean reconcileStep(ReleaseContext ctx, RollingStep step, int number, int total) {
        ReleaseProgress s = ctx.progress();
        String stage = s.stage == null ? "" : s.stage;
        if (stage.isEmpty()) {
            ctx.step(number);
            String text = "step " + number + "/" + total + ": " + step.describe();
            ctx.message(text);
            ctx.event(EventTypes.STEP_STARTED, text, Map.of("step", number, "stepCount", total,
                    "service", step.service()));
            stage = step.order() == Order.STOP_FIRST && step.fromRevision() != null ? "stop-first" : "start";
            enter(ctx, stage);
            if (stage.equals("start")) {
                scaleNew(ctx, step);
            } else {
                shiftAndShrinkOld(ctx, step, currentNew(ctx, step));
            }
            return false;
        }
        switch (stage) {
            case "stop-first" -> {
                // The replicas this step let go of (and any still stopping) must be gone before new ones start.
                if (!stopsSettled(ctx, ctx.progress().plan)) {
                    return false;
                }
                enter(ctx, "start");
                scaleNew(ctx, step);
                return false;
            }
            case "start" -> {
                if (!reconcileHealth(ctx, step)) {
                    return false;
                }
                shiftAndShrinkOld(ctx, step, step.newTarget());
                // The replaced replicas are out of the route now; the engine stops them while the next batch
                // starts (Swarm takes seconds to shut a task down). A delay between batches waits for them first.
                if (delay(ctx, step).isZero() || number == total) {
                    return true;
                }
                enter(ctx, "stop");
                return false;
            }
            case "stop" -> {
                if (!stopsSettled(ctx, ctx.progress().plan)) {
                    return false;
                }
                enter(ctx, "delay");
                return false;
            }
            case "delay" -> {
                return ctx.now() - s.since >= delay(ctx, step).toMillis();
            }
            default -> throw new IllegalStateException("unknown stage " + stage);
        }
    }

    private static Duration delay(ReleaseContext ctx, RollingStep step) {
        return step.toRevision() == null ? Duration.ZERO : spec(ctx, step).updateConfig().delay();
    }

    private static void enter(ReleaseContext ctx, String stage) {
        ctx.progress().stage = stage;
        ctx.progress().since = ctx.now();
    }

    private static void scaleNew(ReleaseContext ctx, RollingStep step) {
        if (step.toRevision() == null) {
            return;
        }
        int weight = ctx.set(step.service(), step.toRevision()).map(ReplicaSet::weight).orElse(0);
        ctx.putSet(new ReplicaSet(ctx.app(), step.service(), step.toRevision(), step.newTarget(), weight));
    }

    private static int currentNew(ReleaseContext ctx, RollingStep step) {
        return step.toRevision() == null ? 0 : ctx.set(step.service(), step.toRevision()).map(ReplicaSet::replicas).orElse(0);
    }

    /** Weights follow the replica counts; the old set shrinks to its target (the reconciler drains, then stops). */
    private static void shiftAndShrinkOld(ReleaseContext ctx, RollingStep step, int newCount) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        if (step.fromRevision() != null) {
            counts.put(step.fromRevision(), step.oldTarget());
        }
        if (step.toRevision() != null) {
            counts.put(step.toRevision(), newCount);
        }
        Map<Integer, Integer> weights = Weights.proportional(counts);
        if (step.fromRevision() != null) {
            ctx.set(step.service(), step.fromRevision()).ifPresent(old ->
                    ctx.putSet(old.withReplicas(step.oldTarget()).withWeight(weights.getOrDefault(step.fromRevision(), 0))));
        }
        if (step.toRevision() != null) {
            ctx.set(step.service(), step.toRevision()).ifPresent(n ->
                    ctx.putSet(n.withWeight(weights.getOrDefault(step.toRevision(), 0))));
        }
        if (step.toRevision() != null) {
            ctx.canaryWeight(weights.getOrDefault(step.toRevision(), 0));
        }
        // Weights only mean something to a routed service; a removed service's route simply goes away.
        if (step.toRevision() != null && spec(ctx, step).route() != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("service", step.service());
            Map<String, Integer> w = new LinkedHashMap<>();
            weights.forEach((rev, pct) -> w.put(String.valueOf(rev), pct));
            data.put("weights", w);
            ctx.event(EventTypes.TRAFFIC_SHIFTED, "traffic " + step.service() + ": " + Weights.describe(weights), data);
        }
        // Added to those of earlier batches still stopping; each is announced once the engine no longer has it.
        List<String> stopping = ctx.progress().stopping();
        if (step.fromRevision() != null) {
            ctx.leftovers(step.service(), step.fromRevision(), step.oldTarget()).stream().map(Replica::displayName)
                    .filter(name -> !stopping.contains(name)).forEach(stopping::add);
        }
    }

    /**
     * The replicas of replaced revisions beyond what their sets keep now: those let go of by this batch and by
     * earlier ones. (On Swarm the engine, not the runner, chooses the task that goes; the replicas are ranked
     * again at every look, so the ones beyond the set's count are the ones leaving.)
     */
    private static List<Replica> stillStopping(ReleaseContext ctx, List<RollingStep> plan) {
        List<Replica> left = new ArrayList<>();
        plan.stream().filter(step -> step.fromRevision() != null)
                .map(step -> Map.entry(step.service(), step.fromRevision())).distinct()
                .forEach(old -> left.addAll(ctx.leftovers(old.getKey(), old.getValue(),
                        ctx.set(old.getKey(), old.getValue()).map(ReplicaSet::replicas).orElse(0))));
        return left;
    }

    /** Announces the replicas let go of that the engine no longer has. */
    private static void reportStopped(ReleaseContext ctx, List<RollingStep> plan) {
        List<String> stopping = ctx.progress().stopping();
        if (stopping.isEmpty()) {
            return;
        }
        List<String> left = stillStopping(ctx, plan).stream().map(Replica::displayName).toList();
        for (String name : List.copyOf(stopping)) {
            if (!left.contains(name)) {
                stopping.remove(name);
                ctx.event(EventTypes.REPLICA_STOPPED, "replica " + name + " drained and stopped",
                        Map.of("replica", name, "service", serviceOf(plan, name)));
            }
        }
    }

    /**
     * True when no replaced replica is left stopping, or when they have been stopping for longer than
     * {@link #STOP_LIMIT} since the current stage began (then the release goes on and says so).
     */
    private static boolean stopsSettled(ReleaseContext ctx, List<RollingStep> plan) {
        List<Replica> left = stillStopping(ctx, plan);
        if (left.isEmpty()) {
            return true;
        }
        if (ctx.now() - ctx.progress().since <= STOP_LIMIT.toMillis()) {
            return false;
        }
        ctx.message("replicas " + String.join(", ", left.stream().map(Replica::displayName).toList())
                + " still stopping after " + STOP_LIMIT.toMinutes() + " min; going on");
        ctx.progress().stopping().clear();
        return true;
    }

    /** The service of a replica of a replaced revision, from its name ({@link Labels#replicaName}). */
    private static String serviceOf(List<RollingStep> plan, String replicaName) {
        return plan.stream().filter(step -> step.fromRevision() != null
                        && replicaName.startsWith(step.service() + "-" + step.fromRevision() + "-"))
                .map(RollingStep::service).findFirst().orElse("");
    }

    /** True when the step's new replicas are all healthy; starts the rollback when the monitor window ran out. */
    private boolean reconcileHealth(ReleaseContext ctx, RollingStep step) {
        if (step.toRevision() == null) {
            return true;
        }
        ServiceSpec spec = spec(ctx, step);
        String routeError = ctx.routeError(step.service());
        if (routeError != null && spec.route() != null) {
            rollback.begin(ctx, routeError, false);
            return false;
        }
        List<ObservedReplica> seen = ctx.replicas(step.service(), step.toRevision(), step.newTarget());
        List<String> reported = ctx.progress().reported();
        int healthy = 0;
        for (ObservedReplica r : seen) {
            String name = r.replica().displayName();
            if (r.replica().state() == Replica.State.RUNNING && !reported.contains("started:" + name)) {
                reported.add("started:" + name);
                String port = spec.route() == null || r.endpoint() == null ? ""
                        : ", " + r.endpoint() + " -> " + spec.route().targetPort();
                ctx.event(EventTypes.REPLICA_STARTED, "replica " + name + " started (container "
                        + r.replica().id().substring(0, Math.min(12, r.replica().id().length())) + port + ")",
                        Map.of("replica", name, "service", step.service(), "revision", step.toRevision(),
                                "container", r.replica().id()));
            }
            if (r.healthy()) {
                healthy++;
                if (!reported.contains("healthy:" + name)) {
                    reported.add("healthy:" + name);
                    ctx.event(EventTypes.REPLICA_HEALTHY, "replica " + name + " healthy (" + r.healthDetail() + ")",
                            Map.of("replica", name, "service", step.service(), "revision", step.toRevision()));
                }
            }
        }
        if (healthy >= step.newTarget()) {
            return true;
        }
        long waited = ctx.now() - ctx.healthWaitStart(ctx.progress().since);
        Duration monitor = spec.updateConfig().monitor();
        if (waited < monitor.toMillis()) {
            return false;
        }
        List<String> unhealthy = new ArrayList<>();
        for (int i = 1; i <= step.newTarget(); i++) {
            int index = i;
            ObservedReplica r = seen.stream().filter(o -> o.replica().index() == index).findFirst().orElse(null);
            if (r != null && r.healthy()) {
                continue;
            }
            String name = Labels.replicaName(step.service(), step.toRevision(), i);
            String failure = ctx.startFailure(step.service(), step.toRevision(), i);
            String why = r != null ? r.healthDetail() : failure != null ? "cannot start: " + failure : "not running";
            unhealthy.add(name + " (" + why + ")");
            ctx.event(EventTypes.REPLICA_UNHEALTHY, "replica " + name + " not healthy after "
                    + Durations.human(monitor) + " (" + why + ")", Map.of("replica", name, "service", step.service(),
                    "revision", step.toRevision(), "reason", why));
        }
        String reason = "replica " + String.join(", ", unhealthy) + " not healthy after " + Durations.human(monitor);
        FailureAction action = spec.updateConfig().failureAction();
        if (action == FailureAction.CONTINUE) {
            ctx.message(reason + "; failure_action continue");
            return true;
        }
        if (action == FailureAction.PAUSE) {
            ctx.phase(Phase.Paused, reason + "; paused (failure_action pause): resume to wait again, abort to roll back");
            ctx.progress().pauseReason = PauseReason.Unhealthy;
            ctx.event(EventTypes.RELEASE_PAUSED, ctx.message(), Map.of("reason", reason));
            return false;
        }
        rollback.begin(ctx, reason, false);
        return false;
    }

    private static void reconcileFinish(ReleaseContext ctx, List<RollingStep> plan) {
        // Sets of revisions the release replaced are gone; keep only the new ones and the untouched services.
        for (RollingStep step : plan) {
            if (step.fromRevision() != null) {
                ctx.removeSet(step.service(), step.fromRevision());
            }
            if (step.toRevision() != null) {
                ctx.set(step.service(), step.toRevision()).ifPresent(n -> ctx.putSet(n.withWeight(100)));
            }
        }
        ctx.canaryWeight(100);
        ctx.succeed();
    }

    @Override
    public PauseReason pauseReasonOf(ReleaseProgress progress) {
        return PauseReason.Unhealthy;
    }

    private static ServiceSpec spec(ReleaseContext ctx, RollingStep step) {
        return ctx.toSpec().services().get(step.service());
    }
}
