package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.slipway.runner.compose.KubernetesTraffic;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.ServiceTraffic;
import io.jenkins.plugins.slipway.runner.traffic.TrafficRouter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code trafficRouter: gateway-api}: a Gateway the user runs carries a service's traffic, through an
 * {@code HTTPRoute} whose weighted backendRefs are one Service per revision ({@link HttpRouteManifests},
 * {@link ServiceManifests#revision}), as Argo Rollouts' Gateway API plugin does. Each sync writes what changed
 * since the last: a revision's Service before the route names it, the route when its weights or rules changed,
 * and deletes a route, then its Services, once no longer wanted.
 * <p>
 * Writes are creates, and replaces carrying the resourceVersion they were computed from (a stale one fails with
 * 409 and is tried again at the next sync), never server-side apply. What it last wrote is remembered per app;
 * on an app's first sync (a restart) it lists the app's objects once, by label, to adopt them.
 */
public final class GatewayApiRouter implements TrafficRouter {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApiRouter.class);
    /** Syncs come every pass; a route's status is read at most this often (a GET per route). */
    private static final long STATUS_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final KubernetesClient client;
    private final String namespace;
    private final String runnerId;
    /**
     * Each app's HTTPRoutes as last written (or found), by name: the spec as JSON, to tell whether to write again
     * (JSON, since a spec read back has empty lists where a built one has none, and means the same).
     */
    private final Map<String, Map<String, String>> routes = new ConcurrentHashMap<>();
    /** Each app's revision Services known to exist, by name. */
    private final Map<String, Set<String>> services = new ConcurrentHashMap<>();
    /** The last failure of each object, so that one that keeps failing is logged once. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /** The weights each route last got, by app and service, as the status shows them. */
    private final Map<String, Map<String, Map<String, Integer>>> weights = new ConcurrentHashMap<>();
    /** Why a Gateway does not carry a service's route, by app and service, from the routes' status. */
    private final Map<String, Map<String, String>> problems = new ConcurrentHashMap<>();
    /** When each app's routes' status was last read ({@link System#nanoTime()}). */
    private final Map<String, Long> statusReadAt = new ConcurrentHashMap<>();
    /** Apps whose objects were listed once (after a restart, to adopt what an earlier run wrote). */
    private final Set<String> listed = ConcurrentHashMap.newKeySet();

    GatewayApiRouter(KubernetesClient client, String namespace, String runnerId) {
        this.client = client;
        this.namespace = namespace;
        this.runnerId = runnerId;
    }

    @Override
    public String name() {
        return KubernetesTraffic.GATEWAY_API;
    }

    @Override
    public synchronized void sync(String app, List<ServiceTraffic> wanted, List<ObservedReplica> observed) {
        if (wanted.isEmpty() && !routes.containsKey(app)) {
            return; // an app that routes nothing through a Gateway costs no call
        }
        Map<String, HTTPRoute> wantedRoutes = new LinkedHashMap<>();
        Map<String, Service> wantedServices = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> shownWeights = new ConcurrentHashMap<>();
        Map<String, String> serviceOfRoute = new LinkedHashMap<>();
        for (ServiceTraffic t : wanted) {
            int port = t.spec().route().targetPort();
            for (ReplicaSet set : t.sets()) {
                if (set.replicas() > 0 || set.weight() > 0) {
                    Service svc = ServiceManifests.revision(runnerId, namespace, app, t.service(), set.revision(), port);
                    wantedServices.put(svc.getMetadata().getName(), svc);
                }
            }
            Map<Integer, Integer> revisionWeights = HttpRouteManifests.weights(t, observed);
            HTTPRoute route = HttpRouteManifests.route(runnerId, namespace, app, t, revisionWeights);
            wantedRoutes.put(route.getMetadata().getName(), route);
            serviceOfRoute.put(route.getMetadata().getName(), t.service());
            Map<String, Integer> shown = new TreeMap<>();
            revisionWeights.forEach((revision, w) -> shown.put(String.valueOf(revision), w));
            shownWeights.put(t.service(), shown);
        }
        weights.put(app, shownWeights);
        Map<String, String> haveRoutes = knownRoutes(app);
        Set<String> haveServices = knownServices(app);
        boolean servicesReady = true;
        // A backendRef to a Service that does not exist yet would be an unresolved reference: Services first.
        for (Service svc : wantedServices.values()) {
            String name = svc.getMetadata().getName();
            if (!haveServices.contains(name)) {
                servicesReady &= attempt("Service/" + name, () -> {
                    createUnlessThere(() -> client.services().inNamespace(namespace).resource(svc).create());
                    haveServices.add(name);
                    LOG.info("Created Service {} for the HTTPRoute of app {}", name, app);
                });
            }
        }
        boolean routesCurrent = servicesReady;
        if (servicesReady) {
            for (HTTPRoute route : wantedRoutes.values()) {
                String name = route.getMetadata().getName();
                String spec = json(route.getSpec());
                if (!spec.equals(haveRoutes.get(name))) {
                    routesCurrent &= attempt("HTTPRoute/" + name, () -> {
                        write(route);
                        haveRoutes.put(name, spec);
                    });
                }
            }
        }
        for (String name : List.copyOf(haveRoutes.keySet())) {
            if (!wantedRoutes.containsKey(name)) {
                routesCurrent &= attempt("HTTPRoute/" + name, () -> {
                    httpRoutes().withName(name).delete();
                    haveRoutes.remove(name);
                    LOG.info("Deleted HTTPRoute {} of app {}", name, app);
                });
            }
        }
        // Only once every route is as wanted: a Service deleted while a route still names it fails requests.
        if (routesCurrent) {
            for (String name : List.copyOf(haveServices)) {
                if (!wantedServices.containsKey(name)) {
                    attempt("Service/" + name, () -> {
                        client.services().inNamespace(namespace).withName(name).delete();
                        haveServices.remove(name);
                        LOG.info("Deleted Service {}: its revision left the HTTPRoute of app {}", name, app);
                    });
                }
            }
        }
        readStatus(app, serviceOfRoute);
        if (wanted.isEmpty() && haveRoutes.isEmpty() && haveServices.isEmpty()) {
            forget(app);
        }
    }

    @Override
    public String problem(String app, String service) {
        return problems.getOrDefault(app, Map.of()).get(service);
    }

    /** Reads what the Gateways say of the app's routes ({@link HttpRouteStatus}), at most every 2 s. */
    private void readStatus(String app, Map<String, String> serviceOfRoute) {
        long now = System.nanoTime();
        Long last = statusReadAt.get(app);
        if (last != null && now - last < STATUS_EVERY_NANOS) {
            return;
        }
        statusReadAt.put(app, now);
        Map<String, String> before = problems.getOrDefault(app, Map.of());
        Map<String, String> found = new ConcurrentHashMap<>();
        serviceOfRoute.forEach((route, service) -> {
            try {
                String problem = HttpRouteStatus.problem(httpRoutes().withName(route).get());
                if (problem != null) {
                    found.put(service, problem);
                    if (!problem.equals(before.get(service))) {
                        LOG.warn("App {}: {}", app, problem);
                    }
                }
            } catch (KubernetesClientException e) {
                // Unread is not accepted: the last verdict stands until the route can be read again.
                if (before.containsKey(service)) {
                    found.put(service, before.get(service));
                }
                LOG.debug("Reading the status of HTTPRoute {}: {}", route, e.getMessage());
            }
        });
        problems.put(app, found);
    }

    @Override
    public Map<String, Integer> weights(String app, String service) {
        return weights.getOrDefault(app, Map.of()).getOrDefault(service, Map.of());
    }

    /** Deletes every HTTPRoute and revision Service of the app, found by label (also those of a stopped runner). */
    @Override
    public synchronized void removeApp(String app) {
        forget(app);
        for (HTTPRoute route : listRoutes(app)) {
            httpRoutes().withName(route.getMetadata().getName()).delete();
            LOG.info("Deleted HTTPRoute {} of deleted app {}", route.getMetadata().getName(), app);
        }
        for (Service svc : listServices(app)) {
            client.services().inNamespace(namespace).withName(svc.getMetadata().getName()).delete();
        }
    }

    private void forget(String app) {
        weights.remove(app);
        problems.remove(app);
        statusReadAt.remove(app);
        routes.remove(app);
        services.remove(app);
        listed.remove(app);
    }

    private Map<String, String> knownRoutes(String app) {
        adopt(app);
        return routes.computeIfAbsent(app, a -> new ConcurrentHashMap<>());
    }

    private Set<String> knownServices(String app) {
        adopt(app);
        return services.computeIfAbsent(app, a -> ConcurrentHashMap.newKeySet());
    }

    private void adopt(String app) {
        if (listed.contains(app)) {
            return;
        }
        Map<String, String> found = new ConcurrentHashMap<>();
        listRoutes(app).forEach(r -> found.put(r.getMetadata().getName(), json(r.getSpec())));
        Set<String> foundServices = ConcurrentHashMap.newKeySet();
        listServices(app).forEach(s -> foundServices.add(s.getMetadata().getName()));
        routes.put(app, found);
        services.put(app, foundServices);
        listed.add(app);
    }

    private List<HTTPRoute> listRoutes(String app) {
        try {
            return httpRoutes().withLabels(HttpRouteManifests.appLabels(runnerId, app)).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of(); // the cluster has no Gateway API: nothing of ours there
            }
            throw e;
        }
    }

    private List<Service> listServices(String app) {
        return client.services().inNamespace(namespace).withLabels(HttpRouteManifests.appLabels(runnerId, app))
                .list().getItems();
    }

    /**
     * Creates the route, or replaces this runner's route of that name with the resourceVersion it read. A route of
     * that name that is not this runner's is left alone.
     */
    private void write(HTTPRoute route) {
        String name = route.getMetadata().getName();
        HTTPRoute existing = httpRoutes().withName(name).get();
        if (existing == null) {
            httpRoutes().resource(route).create();
            LOG.info("Created HTTPRoute {}: {}", name, describe(route));
            return;
        }
        Map<String, String> labels = existing.getMetadata().getLabels();
        if (labels == null || !runnerId.equals(labels.get(Labels.RUNNER))) {
            throw new IllegalStateException("HTTPRoute " + name + " in namespace " + namespace
                    + " is not this runner's; rename it or remove it");
        }
        if (json(existing.getSpec()).equals(json(route.getSpec()))
                && Objects.equals(existing.getMetadata().getLabels(), route.getMetadata().getLabels())) {
            return;
        }
        route.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        try {
            httpRoutes().resource(route).update();
        } finally {
            route.getMetadata().setResourceVersion(null);
        }
        LOG.info("Updated HTTPRoute {}: {}", name, describe(route));
    }

    /** Where a route sends what, for the log: {@code slipway-shop-web-3-… 75% / …, 1 match rule(s)}. */
    static String describe(HTTPRoute route) {
        var rules = route.getSpec().getRules();
        StringBuilder b = new StringBuilder();
        rules.get(rules.size() - 1).getBackendRefs().forEach(r -> b.append(b.isEmpty() ? "" : " / ")
                .append(r.getName()).append(' ').append(r.getWeight()).append('%'));
        if (rules.size() > 1) {
            b.append(", ").append(rules.size() - 1).append(" match rule(s)");
        }
        return b.toString();
    }

    private static String json(HTTPRouteSpec spec) {
        return Serialization.asJson(spec);
    }

    private NonNamespaceOperation<HTTPRoute, KubernetesResourceList<HTTPRoute>, Resource<HTTPRoute>> httpRoutes() {
        return client.resources(HTTPRoute.class).inNamespace(namespace);
    }

    private static void createUnlessThere(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Runs a write; a failure is logged (once while it stays the same) and the write is tried at the next sync. */
    private boolean attempt(String object, Runnable write) {
        try {
            write.run();
            failures.remove(object);
            return true;
        } catch (KubernetesClientException | IllegalStateException e) {
            String message = e.getMessage();
            if (!message.equals(failures.put(object, message))) {
                LOG.warn("Writing {} in namespace {} failed (tried again at the next pass): {}", object, namespace,
                        message);
            }
            return false;
        }
    }
}
