package io.jenkins.plugins.slipway.runner.release.canary;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.release.GrayRelease;
import io.jenkins.plugins.slipway.runner.release.GrayService;
import io.jenkins.plugins.slipway.runner.release.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.ReleaseProgress;
import io.jenkins.plugins.slipway.runner.release.plan.Weights;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Carries out the autoscaler's resizes of a canary in progress ({@link ReleaseContext#resizes()}), so that the
 * autoscaler and the release never fight (argo-rollouts#2857, #4607): a service's total, the count it has at 100%,
 * becomes what the load needs; the stable revision runs that total and the canary its weight's share of it, split as
 * the steps split it, so the canary's share of replicas stays that of its traffic.
 * <p>
 * The total is saved in the release's services, so later steps and the final promotion plan from it, and in the sets
 * a rollback restores, so a rollback never takes the stable revision below what the load was measured to need.
 */
final class CanaryResizes {
    private CanaryResizes() {
    }

    static void apply(ReleaseContext ctx) {
        ReleaseProgress progress = ctx.progress();
        // Once the final promotion has begun, the stable sets are going: the next release of the count is the
        // autoscaler's own, after the release.
        if (ctx.resizes().isEmpty() || progress.finishing != null) {
            return;
        }
        for (GrayService service : GrayRelease.replaced(ctx)) {
            Integer total = ctx.resizes().get(service.service());
            if (total != null && total > 0 && total != service.replicas()) {
                resize(ctx, service, total);
            }
        }
    }

    private static void resize(ReleaseContext ctx, GrayService service, int total) {
        ReleaseProgress progress = ctx.progress();
        progress.services = progress.services.stream()
                .map(s -> s.equals(service) ? new GrayService(s.service(), s.from(), s.to(), total) : s).toList();
        progress.original = progress.original.stream()
                .map(o -> isStable(o, service) ? o.withReplicas(total) : o).toList();
        ctx.set(service.service(), service.from()).ifPresent(stable -> ctx.putSet(stable.withReplicas(total)));
        int weight = Objects.requireNonNullElse(progress.weight, 0);
        Optional<ReplicaSet> canarySet = ctx.set(service.service(), service.to());
        int canary = canarySet.map(ReplicaSet::replicas).orElse(0);
        // Before the first step gives the canary traffic or a scale, it keeps what it has (none, usually).
        if (canarySet.isPresent() && (weight > 0 || progress.scale != null)) {
            canary = Weights.split(total, weight, progress.scale).canary();
            ctx.putSet(canarySet.get().withReplicas(canary));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("service", service.service());
        data.put("from", service.replicas());
        data.put("to", total);
        data.put("replicas", Map.of(String.valueOf(service.from()), total, String.valueOf(service.to()), canary));
        data.put("canaryWeight", weight);
        ctx.event(EventTypes.RELEASE_SCALED, service.service() + ": scaled with the load from " + service.replicas()
                + " to " + total + " replicas at full traffic: " + total + " stable, " + canary + " canary at "
                + weight + "%", data);
    }

    private static boolean isStable(ReplicaSet set, GrayService service) {
        return set.service().equals(service.service()) && set.revision() == service.from();
    }
}
