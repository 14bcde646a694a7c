package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import io.jenkins.plugins.slipway.runner.traffic.Weights;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What canary and blue-green passes share: the services a release changes, scaling the new revision and waiting
 * for its health, weights, pauses, and where each analysis stands. Everything is read from and written to the
 * release progress ({@link ReleaseContext#progress()}), so a restarted runner resumes at the same step and weight.
 */
public final class GrayRelease {
    private GrayRelease() {
    }

    public static List<GrayService> services(ReleaseContext ctx) {
        return ctx.progress().services;
    }

    public static List<GrayService> replaced(ReleaseContext ctx) {
        return services(ctx).stream().filter(GrayService::replaced).toList();
    }

    public static List<ReplicaSet> original(ReleaseContext ctx) {
        return ctx.progress().original;
    }

    public static String lead(ReleaseContext ctx) {
        return ctx.progress().lead;
    }

    /** The lead service as the release replaces it: its revisions and replicas. */
    public static GrayService leadService(ReleaseContext ctx) {
        String lead = lead(ctx);
        return replaced(ctx).stream().filter(c -> c.service().equals(lead)).findFirst().orElseThrow();
    }

    public static ServiceSpec spec(ReleaseContext ctx, String service) {
        return ctx.toSpec().services().get(service);
    }

    /** Services the revision adds start at full scale with all their traffic: there is nothing to protect. */
    public static void startAdded(ReleaseContext ctx) {
        for (GrayService c : services(ctx)) {
            if (c.from() == null && c.to() != null && ctx.set(c.service(), c.to()).isEmpty()) {
                ctx.putSet(new ReplicaSet(ctx.app(), c.service(), c.to(), c.replicas(), 100));
            }
        }
    }

    /**
     * Scales the new revision of every replaced service to {@code count} replicas (weights unchanged) and tells
     * whether they are all healthy. Replicas becoming healthy are announced once each.
     */
    public static boolean scaleNew(ReleaseContext ctx, ToIntFunction<GrayService> count) {
        boolean ready = true;
        for (GrayService c : replaced(ctx)) {
            int n = count.applyAsInt(c);
            int weight = ctx.set(c.service(), c.to()).map(ReplicaSet::weight).orElse(0);
            ctx.putSet(new ReplicaSet(ctx.app(), c.service(), c.to(), n, weight));
            ready &= healthy(ctx, c.service(), c.to(), n) >= n;
        }
        return ready;
    }

    /** Healthy replicas of a service at a revision among indexes 1..count; announces each once. */
    public static int healthy(ReleaseContext ctx, String service, int revision, int count) {
        List<String> reported = ctx.progress().reported();
        int healthy = 0;
        for (ObservedReplica r : ctx.replicas(service, revision, count)) {
            if (!r.healthy()) {
                continue;
            }
            healthy++;
            String name = r.replica().displayName();
            if (!reported.contains(name)) {
                reported.add(name);
                ctx.event(EventTypes.REPLICA_HEALTHY, "replica " + name + " healthy (" + r.healthDetail() + ")",
                        Map.of("replica", name, "service", service, "revision", revision));
            }
        }
        return healthy;
    }

    /**
     * While new replicas start: false until the monitor window ({@code deploy.update_config.monitor}, the longest
     * of the changed services) has run out since the scaling began; then the reason to roll back, naming them.
     */
    public static String unhealthyTooLong(ReleaseContext ctx, ToIntFunction<GrayService> count) {
        ReleaseProgress s = ctx.progress();
        if (s.scalingSince == null) {
            s.scalingSince = ctx.now();
        }
        Duration monitor = Duration.ZERO;
        for (GrayService c : replaced(ctx)) {
            Duration m = spec(ctx, c.service()).updateConfig().monitor();
            monitor = m.compareTo(monitor) > 0 ? m : monitor;
        }
        if (ctx.now() - ctx.healthWaitStart(s.scalingSince) < monitor.toMillis()) {
            return null;
        }
        List<String> unhealthy = new ArrayList<>();
        for (GrayService c : replaced(ctx)) {
            int n = count.applyAsInt(c);
            for (int i = 1; i <= n; i++) {
                int index = i;
                ObservedReplica r = ctx.replicas(c.service(), c.to(), n).stream()
                        .filter(o -> o.replica().index() == index).findFirst().orElse(null);
                if (r == null || !r.healthy()) {
                    String name = Labels.replicaName(c.service(), c.to(), i);
                    String failure = ctx.startFailure(c.service(), c.to(), i);
                    String why = r != null ? r.healthDetail() : failure != null ? "cannot start: " + failure : "not running";
                    unhealthy.add(name + " (" + why + ")");
                    ctx.event(EventTypes.REPLICA_UNHEALTHY, "replica " + name + " not healthy after "
                            + Durations.human(monitor) + " (" + why + ")", Map.of("replica", name,
                            "service", c.service(), "revision", c.to(), "reason", why));
                }
            }
        }
        return "replica " + String.join(", ", unhealthy) + " not healthy after " + Durations.human(monitor);
    }

    public static void scalingDone(ReleaseContext ctx) {
        ctx.progress().scalingSince = null;
    }

    /** Gives the new revision of every replaced service {@code weight} percent and the stable one the rest. */
    public static void weights(ReleaseContext ctx, int weight) {
        for (GrayService c : replaced(ctx)) {
            ctx.set(c.service(), c.from()).ifPresent(s -> ctx.putSet(s.withWeight(100 - weight)));
            ctx.set(c.service(), c.to()).ifPresent(s -> ctx.putSet(s.withWeight(weight)));
            if (spec(ctx, c.service()).route() == null) {
                continue; // weights only mean something to a routed service
            }
            Map<Integer, Integer> w = new LinkedHashMap<>();
            w.put(c.from(), 100 - weight);
            w.put(c.to(), weight);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("service", c.service());
            Map<String, Integer> byRevision = new LinkedHashMap<>();
            w.forEach((rev, pct) -> byRevision.put(String.valueOf(rev), pct));
            data.put("weights", byRevision);
            data.put("canaryWeight", weight);
            int stable = ctx.set(c.service(), c.from()).map(ReplicaSet::replicas).orElse(0);
            int canary = ctx.set(c.service(), c.to()).map(ReplicaSet::replicas).orElse(0);
            data.put("replicas", Map.of(String.valueOf(c.from()), stable, String.valueOf(c.to()), canary));
            ctx.event(EventTypes.TRAFFIC_SHIFTED, "traffic " + c.service() + ": " + Weights.describe(w) + " ("
                    + canary + " new, " + stable + " stable " + (stable == 1 ? "replica" : "replicas") + ")", data);
        }
        ctx.progress().weight = weight;
        ctx.canaryWeight(weight);
    }

    /**
     * Phase Paused with a {@code ReleasePaused} event whose data says whether only a person ends it
     * ({@code indefinite}), and else when it ends ({@code until}, {@code durationSeconds}).
     */
    public static void pause(ReleaseContext ctx, Instant until, PauseReason reason, String text) {
        ReleaseProgress s = ctx.progress();
        s.pauseStartedAt = ctx.now();
        s.pauseReason = reason;
        ctx.phase(Phase.Paused, text);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("indefinite", until == null);
        data.put("until", until == null ? null : until.toString());
        data.put("durationSeconds", until == null ? null
                : Math.max(0, Duration.between(Instant.ofEpochMilli(ctx.now()), until).toSeconds()));
        data.put("reason", reason.name());
        data.put("step", ctx.step());
        data.put("canaryWeight", ctx.canaryWeight());
        ctx.event(EventTypes.RELEASE_PAUSED, text, data);
    }

    /** Back to Progressing after a pause; the event only when the release was paused. */
    public static void resume(ReleaseContext ctx, String text) {
        ReleaseProgress s = ctx.progress();
        s.pauseStartedAt = null;
        s.pauseReason = null;
        if (ctx.phase() == Phase.Paused) {
            ctx.phase(Phase.Progressing, text);
            ctx.event(EventTypes.RELEASE_RESUMED, text, Map.of("step", ctx.step()));
        }
    }

    public static PauseReason pauseReason(ReleaseContext ctx) {
        return ctx.progress().pauseReason;
    }

    public static Instant pauseStartedAt(ReleaseContext ctx) {
        Long p = ctx.progress().pauseStartedAt;
        return p == null ? null : Instant.ofEpochMilli(p);
    }

    /**
     * Where a slot's analysis stands. The live run (this runner's) wins and is saved; with none, the saved state
     * says it, except that a run saved as running died with a previous runner process and starts again.
     */
    public static AnalysisState analysis(ReleaseContext ctx, ReleaseAnalyses analyses, ReleaseAnalyses.Slot slot) {
        Map<String, ReleaseProgress.Analysis> all = ctx.progress().analysis();
        AnalysisState live = analyses.state(slot);
        if (live.status() != AnalysisState.Status.NotStarted) {
            all.put(slot.name(), new ReleaseProgress.Analysis(live.status(), live.message()));
            return live;
        }
        ReleaseProgress.Analysis saved = all.get(slot.name());
        if (saved == null) {
            return AnalysisState.NOT_STARTED;
        }
        return new AnalysisState(saved.status(), saved.message()).afterRestart();
    }

    public static void analysisStarted(ReleaseContext ctx, ReleaseAnalyses.Slot slot) {
        ctx.progress().analysis().put(slot.name(), new ReleaseProgress.Analysis(AnalysisState.Status.Running, null));
    }

    /** Cancels a slot's run and forgets its verdict. */
    public static void resetAnalysis(ReleaseContext ctx, ReleaseAnalyses analyses, ReleaseAnalyses.Slot slot) {
        analyses.cancel(slot);
        ctx.progress().analysis().remove(slot.name());
    }

    /**
     * What an analysis run measures: for each replaced service its route (or {@code route} when given: the
     * preview) and the healthy replicas of the new revision, at the endpoints the engine reports.
     */
    public static io.jenkins.plugins.slipway.runner.analysis.ReleaseContext analysisContext(
            ReleaseContext ctx, int step, Map<String, String> routeOverride) {
        List<io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.ServiceTarget> targets = new ArrayList<>();
        Map<String, List<io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.Endpoint>> replicas = newReplicas(ctx);
        for (GrayService c : replaced(ctx)) {
            ServiceSpec spec = spec(ctx, c.service());
            // A Gateway's traffic never reaches the runner's router: no route of its to read figures from.
            boolean onRouter = spec.route() != null && !spec.routedByGateway();
            String route = routeOverride.getOrDefault(c.service(),
                    onRouter ? RouteSync.routeName(ctx.app(), c.service()) : null);
            targets.add(new io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.ServiceTarget(
                    c.service(), route, replicas.get(c.service())));
        }
        return new io.jenkins.plugins.slipway.runner.analysis.ReleaseContext(ctx.app(), ctx.release().id(),
                ctx.from() == null ? null : String.valueOf(ctx.from().revision()),
                String.valueOf(ctx.to().revision()), step, targets);
    }

    /** The healthy replicas of the new revision of every replaced service, at their engine endpoints, by service. */
    public static Map<String, List<io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.Endpoint>> newReplicas(
            ReleaseContext ctx) {
        Map<String, List<io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.Endpoint>> byService =
                new LinkedHashMap<>();
        for (GrayService c : replaced(ctx)) {
            int n = ctx.set(c.service(), c.to()).map(ReplicaSet::replicas).orElse(0);
            List<io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.Endpoint> endpoints = new ArrayList<>();
            for (ObservedReplica r : ctx.replicas(c.service(), c.to(), n)) {
                if (r.healthy() && r.endpoint() != null) {
                    endpoints.add(new io.jenkins.plugins.slipway.runner.analysis.ReleaseContext.Endpoint(
                            r.endpoint().host(), r.endpoint().port()));
                }
            }
            byService.put(c.service(), endpoints);
        }
        return byService;
    }

    /** Announces a step once: {@code StepStarted} with its number and description. */
    public static void announce(ReleaseContext ctx, int number, int total, String description) {
        ReleaseProgress s = ctx.progress();
        if (s.announced != null && s.announced >= number) {
            return;
        }
        ctx.step(number);
        s.announced = number;
        String text = "step " + number + "/" + total + ": " + description;
        ctx.message(text);
        ctx.event(EventTypes.STEP_STARTED, text, Map.of("step", number, "stepCount", total,
                "description", description, "canaryWeight", ctx.canaryWeight()));
    }

    /**
     * The end of a successful release: the new revision of every replaced service has all the traffic, the stable
     * sets and the services the revision removed are dropped (the reconciler drains, then stops them).
     */
    public static void succeed(ReleaseContext ctx) {
        dropReplaced(ctx);
        ctx.succeed();
    }

    /**
     * Drops the sets of the revisions the release replaces (the new ones keep all the traffic at full scale) and
     * remembers their replicas still on the engine, so that {@link #replacedGone} can announce each once it has
     * been drained and stopped.
     */
    public static void dropReplaced(ReleaseContext ctx) {
        List<String> stopping = ctx.progress().stopping();
        for (GrayService c : services(ctx)) {
            if (c.from() != null && (c.to() == null || !c.from().equals(c.to()))) {
                if (ctx.set(c.service(), c.from()).isPresent()) {
                    ctx.leftovers(c.service(), c.from(), 0).forEach(r -> stopping.add(r.displayName()));
                }
                ctx.removeSet(c.service(), c.from());
            }
            if (c.to() != null) {
                ctx.set(c.service(), c.to()).ifPresent(n -> ctx.putSet(n.withReplicas(c.replicas()).withWeight(100)));
            }
        }
        ctx.canaryWeight(100);
        ctx.progress().weight = 100;
    }

    /**
     * True once the replicas {@link #dropReplaced} let go are gone from the engine (or after {@code limitMillis}
     * since {@code sinceMillis}: a stuck stop must not hold the release forever); announces each as stopped.
     */
    public static boolean replacedGone(ReleaseContext ctx, long sinceMillis, long limitMillis) {
        List<String> stopping = ctx.progress().stopping();
        boolean gone = true;
        for (GrayService c : services(ctx)) {
            if (c.from() != null && (c.to() == null || !c.from().equals(c.to()))) {
                gone &= ctx.leftovers(c.service(), c.from(), 0).isEmpty();
            }
        }
        if (!gone && ctx.now() - sinceMillis < limitMillis) {
            return false;
        }
        for (String name : stopping) {
            ctx.event(EventTypes.REPLICA_STOPPED, "replica " + name + " drained and stopped",
                    Map.of("replica", name));
        }
        ctx.progress().stopping = null;
        if (!gone) {
            ctx.message("replicas of the replaced revision still stopping after " + limitMillis / 1000 + " s; going on");
        }
        return true;
    }
}
