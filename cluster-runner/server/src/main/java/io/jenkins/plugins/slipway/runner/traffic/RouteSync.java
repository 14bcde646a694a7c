package io.jenkins.plugins.slipway.runner.traffic;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the router's routes match the desired state: for each routed service, the healthy replicas of the
 * revisions that have a weight become backends, with the weights renormalised over the revisions that have
 * at least one healthy backend, so no request is sent to a revision with nothing to answer it.
 */
public final class RouteSync {
    private static final Logger LOG = LoggerFactory.getLogger(RouteSync.class);

    private final Router router;
    private final SpecCache specs;
    private final String bindHost;
    private final Map<String, RouteSpec> applied = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();

    public RouteSync(Router router, SpecCache specs, String bindHost) {
        this.router = router;
        this.specs = specs;
        this.bindHost = bindHost;
    }

    public Router router() {
        return router;
    }

    /** Route name of a service: {@code shop/web}. */
    public static String routeName(String app, String service) {
        return app + "/" + service;
    }

    /** Applies the routes of {@code app}; called after every reconcile pass and every release decision. */
    public synchronized void sync(String app, List<ReplicaSet> sets, List<ObservedReplica> observed) {
        Map<String, List<ReplicaSet>> byService = sets.stream()
                .collect(Collectors.groupingBy(ReplicaSet::service, LinkedHashMap::new, Collectors.toList()));
        Set<String> wanted = new java.util.HashSet<>();
        for (Map.Entry<String, List<ReplicaSet>> e : byService.entrySet()) {
            Optional<ServiceSpec.Route> route = route(app, e.getKey(), e.getValue());
            if (route.isEmpty()) {
                continue;
            }
            String name = routeName(app, e.getKey());
            wanted.add(name);
            RouteSpec spec = spec(name, route.get(), e.getValue(), observed);
            RouteSpec before = applied.get(name);
            if (spec.equals(before)) {
                continue;
            }
            try {
                if (before != null && before.port() != spec.port()) {
                    router.remove(name);
                }
                router.apply(spec);
                applied.put(name, spec);
                errors.remove(name);
            } catch (IOException | RuntimeException ex) {
                if (!String.valueOf(ex.getMessage()).equals(errors.put(name, String.valueOf(ex.getMessage())))) {
                    LOG.warn("Route {} on {}:{} cannot be applied: {}", name, bindHost, spec.port(), ex.getMessage());
                }
            }
        }
        for (String name : List.copyOf(applied.keySet())) {
            if (name.startsWith(app + "/") && !wanted.contains(name)) {
                router.remove(name);
                applied.remove(name);
            }
        }
    }

    /** Removes every route of a deleted app. */
    public synchronized void removeApp(String app) {
        sync(app, List.of(), List.of());
    }

    /** Weights in force on a route, by revision; empty when the route is not applied. */
    public Map<String, Integer> weights(String app, String service) {
        RouteSpec spec = applied.get(routeName(app, service));
        return spec == null ? Map.of() : new TreeMap<>(spec.weights());
    }

    /** Why a route could not be applied (its port is taken, ...), or null. */
    public String error(String app, String service) {
        return errors.get(routeName(app, service));
    }

    /** The route of the newest revision of the service that has one. */
    private Optional<ServiceSpec.Route> route(String app, String service, List<ReplicaSet> sets) {
        return sets.stream().map(ReplicaSet::revision).sorted(java.util.Comparator.reverseOrder())
                .map(rev -> specs.service(app, rev, service).map(ServiceSpec::route).orElse(null))
                .filter(java.util.Objects::nonNull).findFirst();
    }

    private RouteSpec spec(String name, ServiceSpec.Route route, List<ReplicaSet> sets, List<ObservedReplica> observed) {
        String service = name.substring(name.indexOf('/') + 1);
        List<Backend> backends = new ArrayList<>();
        Map<Integer, Integer> healthyCount = new HashMap<>();
        Map<Integer, Integer> weights = new LinkedHashMap<>();
        for (ReplicaSet set : sets) {
            for (ObservedReplica r : observed) {
                if (r.replica().service().equals(service) && r.replica().revision() == set.revision()
                        && r.replica().index() <= set.replicas() && r.healthy() && r.hostPort() > 0) {
                    healthyCount.merge(set.revision(), 1, Integer::sum);
                    if (set.weight() > 0) {
                        backends.add(new Backend(r.replica().id(), String.valueOf(set.revision()), "127.0.0.1", r.hostPort()));
                    }
                }
            }
            if (set.weight() > 0 && healthyCount.getOrDefault(set.revision(), 0) > 0) {
                weights.put(set.revision(), set.weight());
            }
        }
        if (weights.isEmpty() && !healthyCount.isEmpty()) {
            // Nothing with a weight can answer: serve from whatever is healthy rather than fail every request.
            weights.putAll(healthyCount);
            for (ReplicaSet set : sets) {
                for (ObservedReplica r : observed) {
                    if (r.replica().service().equals(service) && r.replica().revision() == set.revision()
                            && r.replica().index() <= set.replicas() && r.healthy() && r.hostPort() > 0) {
                        backends.add(new Backend(r.replica().id(), String.valueOf(set.revision()), "127.0.0.1", r.hostPort()));
                    }
                }
            }
        }
        Map<String, Integer> normalised = new TreeMap<>();
        Weights.proportional(weights).forEach((rev, w) -> normalised.put(String.valueOf(rev), w));
        backends.sort(java.util.Comparator.comparing(Backend::id));
        return new RouteSpec(name, bindHost, route.port(), backends, normalised, List.of(), false);
    }
}
