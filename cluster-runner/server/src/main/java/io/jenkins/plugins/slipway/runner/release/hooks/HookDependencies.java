package io.jenkins.plugins.slipway.runner.release.hooks;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.release.ReleaseContext;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code depends_on} of a hook, met before its task starts. A one-shot dependency has run already (hooks run
 * in {@code depends_on} order). A service kept running counts as it runs when the release begins: a migration
 * talks to the database the app has. One the app does not run yet (its first release, or a service the release
 * adds) is started first, at its new revision, so that a first release of {@code db} + {@code migrate} +
 * {@code web} works as Compose would run it; its own dependencies do not hold it back.
 */
final class HookDependencies {
    private HookDependencies() {
    }

    /**
     * The dependencies of {@code hook} not met yet, as "db (service_healthy)"; empty when the hook may start.
     * Starts the ones the app does not run.
     */
    static List<String> unmet(ReleaseContext ctx, ServiceSpec hook) {
        List<String> unmet = new ArrayList<>();
        hook.wiring().dependsOn().forEach((name, dependency) -> {
            ServiceSpec service = ctx.toSpec().services().get(name);
            if (service == null || service.oneShot() != null) {
                return;
            }
            if (ctx.sets().stream().noneMatch(s -> s.service().equals(name) && s.replicas() > 0)) {
                ctx.putSet(new ReplicaSet(ctx.app(), name, ctx.to().serviceRevisions().get(name), service.replicas(), 100));
            }
            if (!met(ctx, name, dependency.condition())) {
                unmet.add(name + " (" + dependency.condition().composeName() + ")");
            }
        });
        return unmet;
    }

    /** Whether a replica of {@code service}, at any revision the app runs, meets {@code condition}. */
    private static boolean met(ReleaseContext ctx, String service, ServiceWiring.Dependency.Condition condition) {
        boolean healthy = condition == ServiceWiring.Dependency.Condition.SERVICE_HEALTHY;
        return ctx.sets().stream().filter(s -> s.service().equals(service))
                .flatMap(s -> ctx.replicas(service, s.revision(), s.replicas()).stream())
                .anyMatch(r -> healthy ? r.healthy() : r.replica().state() == Replica.State.RUNNING);
    }
}
