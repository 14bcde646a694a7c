package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.access.ApiTokens;
import io.jenkins.plugins.slipway.runner.audit.AuditLog;
import io.jenkins.plugins.slipway.runner.autoscale.Autoscaler;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.reconcile.Reconciler;
import io.jenkins.plugins.slipway.runner.release.Deployer;
import io.jenkins.plugins.slipway.runner.release.ReleaseController;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.tasks.Tasks;
import io.jenkins.plugins.slipway.runner.traffic.ActualWeights;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;

/** Puts every endpoint of the runner on a server. */
public final class Endpoints {
    private Endpoints() {
    }

    public static void install(ApiServer server, Database db, AppRepository apps, ReleaseRepository releases,
                               SpecCache specs, ObservedState observed, EventLog events, RouteSync routes,
                               Deployer deployer, ReleaseController controller, Reconciler reconciler,
                               ActualWeights actualWeights, ApiTokens tokens, AuditLog audit, Tasks tasks,
                               Autoscaler autoscaler) {
        server.route("GET", "/healthz", ex -> ex.json(200, java.util.Map.of("status", "ok", "version",
                java.util.Objects.requireNonNullElse(Endpoints.class.getPackage().getImplementationVersion(), "dev"))));
        new AppsApi(db, apps, releases, deployer, controller, reconciler, new AppStatusView(specs, observed, routes,
                actualWeights, autoscaler), specs, autoscaler)
                .register(server);
        new ReleasesApi(db, releases, events, controller).register(server);
        new ValidateApi(deployer).register(server);
        new ReleasePlanApi(db, apps, releases, specs).register(server);
        new AccessApi(tokens, audit).register(server);
        new MetricsApi(routes.router(), observed, db, releases, autoscaler).register(server);
        new DashboardFiles().register(server);
        new TasksApi(tasks).register(server);
    }
}
