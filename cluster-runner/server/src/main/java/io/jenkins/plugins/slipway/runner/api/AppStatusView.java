package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.autoscale.Autoscaler;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import io.jenkins.plugins.slipway.runner.traffic.ActualWeights;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Builds {@code GET /api/v1/apps/{app}} from the store, the observed replicas and the router (set and measured weights). */
final class AppStatusView {
    private final SpecCache specs;
    private final ObservedState observed;
    private final RouteSync routes;
    private final ActualWeights actual;
    private final Autoscaler autoscaler;

    AppStatusView(SpecCache specs, ObservedState observed, RouteSync routes, ActualWeights actual,
                  Autoscaler autoscaler) {
        this.autoscaler = autoscaler;
        this.specs = specs;
        this.observed = observed;
        this.routes = routes;
        this.actual = actual;
    }

    AppStatus of(AppRecord app, RevisionRecord serving, List<ReplicaSet> sets) {
        List<AppStatus.ServiceStatus> services = new ArrayList<>();
        AppSpec spec = serving == null ? null : specs.spec(app.name(), serving.revision()).orElse(null);
        Set<String> names = new LinkedHashSet<>();
        if (spec != null) {
            names.addAll(spec.services().keySet());
        }
        sets.forEach(s -> names.add(s.service()));
        for (String service : names) {
            Integer servingRev = serving == null ? null : serving.serviceRevisions().get(service);
            int desired = sets.stream().filter(s -> s.service().equals(service) && servingRev != null
                    && s.revision() == servingRev).mapToInt(ReplicaSet::replicas).sum();
            long ready = observed.replicas(app.name()).stream()
                    .filter(r -> r.replica().service().equals(service) && servingRev != null
                            && r.replica().revision() == servingRev)
                    .filter(ObservedReplica::healthy).count();
            Map<String, String> images = new TreeMap<>();
            for (ReplicaSet s : sets) {
                if (s.service().equals(service)) {
                    specs.service(app.name(), s.revision(), service)
                            .ifPresent(svc -> images.put(String.valueOf(s.revision()), svc.image()));
                }
            }
            ServiceSpec svc = spec == null ? null : spec.services().get(service);
            AppStatus.Route route = svc == null || svc.route() == null ? null
                    : new AppStatus.Route(svc.route().port(), svc.route().targetPort());
            services.add(new AppStatus.ServiceStatus(service, new AppStatus.Replicas(desired, (int) ready), images,
                    route, routes.weights(app.name(), service),
                    route == null ? Map.of() : actual.lastMinute(app.name(), service),
                    replicaSets(app.name(), service, sets),
                    svc == null || svc.autoscale() == null ? null : autoscaling(app.name(), service, svc)));
        }
        return new AppStatus(app.name(), app.revision(), services, app.currentRelease());
    }

    /** The autoscaler's figures, or the policy alone before its first pass over the service. */
    private AppStatus.Autoscaling autoscaling(String app, String service, ServiceSpec svc) {
        AppStatus.Autoscaling figures = autoscaler.status(app, service);
        if (figures != null) {
            return figures;
        }
        Map<String, Double> targets = new java.util.LinkedHashMap<>();
        svc.autoscale().targets().forEach((t, goal) -> targets.put(t.key(), goal));
        return new AppStatus.Autoscaling(svc.autoscale().min(), svc.autoscale().max(), -1, -1, Map.of(), targets,
                null);
    }

    /** The desired sets of one service, oldest revision first, with what the engine runs of each. */
    private List<AppStatus.ReplicaSetStatus> replicaSets(String app, String service, List<ReplicaSet> sets) {
        List<AppStatus.ReplicaSetStatus> out = new ArrayList<>();
        sets.stream().filter(s -> s.service().equals(service))
                .sorted(Comparator.comparingInt(ReplicaSet::revision))
                .forEach(set -> out.add(new AppStatus.ReplicaSetStatus(set.revision(), set.replicas(), set.weight(),
                        observed.replicas(app, service, set.revision()).stream()
                                .sorted(Comparator.comparingInt(r -> r.replica().index()))
                                .map(r -> new AppStatus.ReplicaStatus(r.replica().displayName(), health(r)))
                                .toList())));
        return out;
    }

    private static String health(ObservedReplica r) {
        if (r.healthy()) {
            return "healthy";
        }
        boolean starting = r.replica().state() == Replica.State.CREATED
                || r.replica().health() == Replica.Health.STARTING;
        return starting ? "starting" : "unhealthy";
    }
}
