package io.jenkins.plugins.slipway.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.autoscale.Autoscaler;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import io.jenkins.plugins.slipway.runner.compose.ComposeException;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.VolumeRemoval;
import io.jenkins.plugins.slipway.runner.release.Deployer;
import io.jenkins.plugins.slipway.runner.secrets.DeployFiles;
import io.jenkins.plugins.slipway.runner.release.ReleaseController;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import io.jenkins.plugins.slipway.runner.reconcile.Reconciler;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code /api/v1/apps}: deploy, read, delete, roll back and scale apps. */
final class AppsApi {
    static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final String APP = "/api/v1/apps/([^/]+)";

    private final Database db;
    private final AppRepository apps;
    private final ReleaseRepository releases;
    private final Deployer deployer;
    private final ReleaseController controller;
    private final Reconciler reconciler;
    private final AppStatusView view;
    private final SpecCache specs;
    private final Autoscaler autoscaler;

    AppsApi(Database db, AppRepository apps, ReleaseRepository releases, Deployer deployer,
            ReleaseController controller, Reconciler reconciler, AppStatusView view, SpecCache specs,
            Autoscaler autoscaler) {
        this.specs = specs;
        this.autoscaler = autoscaler;
        this.db = db;
        this.apps = apps;
        this.releases = releases;
        this.deployer = deployer;
        this.controller = controller;
        this.reconciler = reconciler;
        this.view = view;
    }

    void register(ApiServer server) {
        server.route("GET", "/api/v1/apps", this::list);
        server.route("PUT", APP, this::deploy);
        server.route("GET", APP, this::get);
        server.route("DELETE", APP, this::delete);
        server.route("POST", APP + "/rollback", this::rollback);
        server.route("POST", APP + "/scale", this::scale);
        server.route("GET", APP + "/events", this::events);
    }

    private static String appName(Exchange ex) {
        String name = ex.param(1);
        if (!APP_NAME.matcher(name).matches()) {
            throw new ApiException(400, new ApiError("invalid app name", List.of(new ApiError.Problem("app",
                    "must be 1-40 lower-case letters, digits or '-', starting with a letter or digit, got \""
                            + (name.length() > 60 ? name.substring(0, 60) + "...\" (" + name.length() + " characters)"
                            : name + "\"")))));
        }
        return name;
    }

    private void deploy(Exchange ex) throws IOException {
        String app = appName(ex);
        DeployRequest req = ex.body(DeployRequest.class);
        if (req.compose() == null || req.compose().isBlank()) {
            throw new ApiException(400, new ApiError("compose is required",
                    List.of(new ApiError.Problem("compose", "is required: the Compose file as YAML text"))));
        }
        if (req.cause() != null) {
            ex.buildUrl(req.cause().buildUrl());
        }
        try {
            DeployResponse rsp = deployer.deploy(app, req.compose(), req.images(), req.cause(), DeployFiles.of(req));
            controller.trigger();
            ex.json(rsp.release() == null ? 200 : 202, rsp);
        } catch (ComposeException e) {
            throw new ApiException(400, new ApiError("the Compose file is invalid: " + e.problems().size()
                    + " problem(s); nothing was changed", e.problems()));
        } catch (Deployer.Busy e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private void list(Exchange ex) throws IOException {
        List<AppStatus> out = new ArrayList<>();
        for (AppRecord a : db.tx(apps::all)) {
            if (ex.caller() == null || ex.caller().mayUse(a.name())) {
                out.add(status(a));
            }
        }
        ex.json(200, out);
    }

    private void get(Exchange ex) throws IOException {
        ex.json(200, status(find(appName(ex))));
    }

    AppStatus status(AppRecord a) {
        RevisionRecord serving = a.revision() == 0 ? null : db.tx(c -> apps.revision(c, a.name(), a.revision())).orElse(null);
        List<ReplicaSet> sets = db.tx(c -> apps.replicaSets(c, a.name()));
        return view.of(a, serving, sets);
    }

    private AppRecord find(String app) {
        return db.tx(c -> apps.find(c, app)).orElseThrow(() -> new ApiException(404, "no app named " + app));
    }

    /**
     * Deletes the app; its replicas stop, then its networks are removed. Its named volumes stay unless
     * {@code ?volumes=true}: then the answer waits for the replicas to be gone and lists the volumes removed, and
     * those the engine could not reach (left, with where and why). With {@code ?volumes=true}, an app already
     * deleted has its volumes removed.
     */
    private void delete(Exchange ex) throws IOException {
        String name = appName(ex);
        boolean volumes = "true".equals(ex.query("volumes"));
        java.util.Optional<AppRecord> found = db.tx(c -> apps.find(c, name));
        if (found.isEmpty() && volumes) {
            answerVolumesRemoved(ex, name, false);
            return;
        }
        AppRecord a = found.orElseThrow(() -> new ApiException(404, "no app named " + name));
        if (a.currentRelease() != null) {
            db.tx(c -> releases.find(c, a.currentRelease())).filter(r -> !r.phase().isTerminal())
                    .ifPresent(r -> controller.abandon(r, "app " + a.name() + " deleted"));
        }
        db.tx(c -> {
            apps.delete(c, a.name());
            return null;
        });
        deployer.forget(a.name());
        reconciler.trigger();
        if (volumes) {
            answerVolumesRemoved(ex, a.name(), true);
            return;
        }
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                reconciler.removeAppResources(a.name(), false);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AppsApi.class).warn("Removing the networks of deleted app {}"
                        + " failed: {}", a.name(), e.getMessage());
            }
        });
        ex.json(200, Map.of("app", a.name(), "deleted", true, "volumesKept", volumesKept(a.name())));
    }

    /** The volumes a plain delete keeps, for the answer; the app is deleted even when the engine cannot say. */
    private List<String> volumesKept(String app) {
        try {
            return reconciler.volumes(app);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Removes the deleted app's volumes and answers which went and which the engine left, with where and why. */
    private void answerVolumesRemoved(Exchange ex, String app, boolean deletedNow) throws IOException {
        VolumeRemoval r;
        try {
            r = reconciler.removeAppResources(app, true);
        } catch (RuntimeException e) {
            throw new ApiException(503, "app " + app + " is deleted but its volumes were not removed: "
                    + e.getMessage() + "; call DELETE ...?volumes=true again");
        }
        ex.json(200, Map.of("app", app, "deleted", deletedNow, "volumesRemoved", r.removed(), "volumesLeft", r.left()));
    }

    private void rollback(Exchange ex) throws IOException {
        AppRecord a = find(appName(ex));
        Integer previous = db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT from_revision FROM releases WHERE app = ?"
                    + " AND to_revision = ? AND phase = 'Succeeded' ORDER BY created_at DESC LIMIT 1")) {
                ps.setString(1, a.name());
                ps.setInt(2, a.revision());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? (Integer) rs.getObject(1) : null;
                }
            }
        });
        if (previous == null) {
            throw new ApiException(409, "app " + a.name() + " has no previous revision to roll back to");
        }
        RevisionRecord rev = db.tx(c -> apps.revision(c, a.name(), previous)).orElseThrow(
                () -> new ApiException(409, "revision " + previous + " of " + a.name() + " is no longer stored"));
        try {
            DeployResponse rsp = deployer.redeploy(rev);
            controller.trigger();
            ex.json(rsp.release() == null ? 200 : 202, rsp);
        } catch (ComposeException e) {
            throw new ApiException(409, "revision " + previous + " no longer validates: " + e.getMessage());
        } catch (Deployer.Busy e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private void scale(Exchange ex) throws IOException {
        AppRecord a = find(appName(ex));
        JsonNode body = ex.body();
        String service = body.path("service").asText(null);
        JsonNode n = body.get("replicas");
        List<ApiError.Problem> problems = new ArrayList<>();
        if (service == null || service.isBlank()) {
            problems.add(new ApiError.Problem("service", "is required"));
        }
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0 || n.asInt() > 100) {
            problems.add(new ApiError.Problem("replicas", "must be a whole number 0-100, got " + n));
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, new ApiError("invalid scale request", problems));
        }
        if (a.currentRelease() != null) {
            ReleaseRecord r = db.tx(c -> releases.find(c, a.currentRelease())).orElse(null);
            if (r != null && !r.phase().isTerminal()) {
                throw new ApiException(409, "release " + r.id() + " is " + r.phase() + "; scale when it has finished");
            }
        }
        RevisionRecord serving = db.tx(c -> apps.revision(c, a.name(), a.revision()))
                .orElseThrow(() -> new ApiException(409, "app " + a.name() + " serves no revision"));
        Integer rev = serving.serviceRevisions().get(service);
        if (rev == null) {
            throw new ApiException(400, new ApiError("invalid scale request", List.of(new ApiError.Problem("service",
                    "app " + a.name() + " has no service " + service + "; it has " + serving.serviceRevisions().keySet()))));
        }
        Autoscale bounds = specs.service(a.name(), a.revision(), service).map(s -> s.autoscale()).orElse(null);
        if (bounds != null && (n.asInt() < bounds.min() || n.asInt() > bounds.max())) {
            throw new ApiException(400, new ApiError("invalid scale request", List.of(new ApiError.Problem("replicas",
                    "service " + service + " is autoscaled within min " + bounds.min() + " and max " + bounds.max()
                    + " (x-slipway.autoscale); got " + n.asInt()))));
        }
        db.tx(c -> {
            List<ReplicaSet> sets = new ArrayList<>(apps.replicaSets(c, a.name()));
            sets.replaceAll(s -> s.service().equals(service) && s.revision() == rev ? s.withReplicas(n.asInt()) : s);
            apps.saveReplicaSets(c, a.name(), sets);
            return null;
        });
        reconciler.trigger();
        ex.json(200, status(a));
    }

    /** {@code GET .../events?after=N}: the app's own events (autoscaling decisions), oldest first, as JSON. */
    private void events(Exchange ex) throws IOException {
        AppRecord a = find(appName(ex));
        String after = ex.query("after");
        long from;
        try {
            from = after == null ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw new ApiException(400, new ApiError("invalid events request", List.of(new ApiError.Problem("after",
                    "must be an event number, got \"" + (after.length() > 20 ? after.substring(0, 20) + "..." : after)
                            + "\""))));
        }
        ex.json(200, Map.of("app", a.name(), "events", autoscaler.events(a.name(), from)));
    }
}
