package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.client.ReleasePlan;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code GET /api/v1/releases/{id}/plan}: the step chain of a release and the build that started it. */
final class ReleasePlanApi {
    private final Database db;
    private final AppRepository apps;
    private final ReleaseRepository releases;
    private final SpecCache specs;

    ReleasePlanApi(Database db, AppRepository apps, ReleaseRepository releases, SpecCache specs) {
        this.db = db;
        this.apps = apps;
        this.releases = releases;
        this.specs = specs;
    }

    void register(ApiServer server) {
        server.route("GET", "/api/v1/releases/([^/]+)/plan", ex -> ex.json(200, plan(ex.param(1))));
    }

    ReleasePlan plan(String id) {
        ReleaseRecord r = db.tx(c -> releases.find(c, id)).orElseThrow(() -> new ApiException(404, "no release " + id));
        RevisionRecord to = db.tx(c -> apps.revision(c, r.app(), r.toRevision())).orElse(null);
        RevisionRecord from = r.fromRevision() == null ? null
                : db.tx(c -> apps.revision(c, r.app(), r.fromRevision())).orElse(null);
        AppSpec spec = specs.spec(r.app(), r.toRevision()).orElse(null);
        if (to == null || spec == null) {
            return new ReleasePlan(r.id(), r.app(), r.strategy(), null, List.of(), null);
        }
        Map<String, Integer> before = from == null ? Map.of() : from.serviceRevisions();
        for (Map.Entry<String, ServiceSpec> e : spec.services().entrySet()) {
            String service = e.getKey();
            boolean replaced = before.containsKey(service)
                    && !Objects.equals(before.get(service), to.serviceRevisions().get(service));
            // As the release picks its lead: the first replaced service whose spec lists canary steps.
            if (replaced && e.getValue().release() instanceof ReleaseSpec.Canary canary) {
                return new ReleasePlan(r.id(), r.app(), r.strategy(), service,
                        canary.steps().stream().map(CanaryStep::describe).toList(), to.cause());
            }
        }
        return new ReleasePlan(r.id(), r.app(), r.strategy(), null, List.of(), to.cause());
    }
}
