package io.jenkins.plugins.slipway.runner.traffic;

import io.jenkins.plugins.slipway.runner.compose.KubernetesTraffic;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.mesh.InternalRouting;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.Routes;
import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.Hold;
import io.jenkins.plugins.slipway.runner.routing.InternalListener;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
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
 * Makes the router's routes match the desired state: for each routed service, the running replicas of the
 * revisions that have a weight become backends, each with the runner's health verdict, and the weights are
 * renormalised over the revisions that have at least one backend, so no request is sent to a revision with
 * nothing to answer it.
 * <p>
 * A replica that was ready once and fails its probes now stays a backend, marked unhealthy: the router leaves it
 * alone while enough of its revision is healthy and uses it when most of it looks unhealthy (panic mode), so
 * probes slowed down by a busy machine never empty a route nor silently drop a revision with weight. A replica
 * that was never ready (still starting) is not a backend yet.
 * <p>
 * A service whose file chose another router ({@code x-slipway.kubernetes.trafficRouter}, a {@link TrafficRouter}
 * registered with {@link #use}) gets no route here: each pass hands it, with its sets and its release's match rules,
 * to that router instead.
 */
public final class RouteSync implements Routes {
    private static final Logger LOG = LoggerFactory.getLogger(RouteSync.class);
    /**
     * How the route of a service that scales to zero holds requests while a replica starts: up to 1000 at once
     * (the next gets 503 with Retry-After), each for up to 60 s (docs/compose-extensions.md, scale to zero).
     */
    public static final Hold HOLD = new Hold(1000, java.time.Duration.ofSeconds(60));

    private final Router router;
    private final SpecCache specs;
    private final String bindHost;
    private final InternalRouting internal;
    private final Map<String, RouteSpec> applied = new ConcurrentHashMap<>();
    /** Why each route that should listen does not, by route name; cleared once it listens or is no longer wanted. */
    private final Map<String, RouteFailure> failures = new ConcurrentHashMap<>();
    /** What a canary or blue-green release adds to a service's route, by route name; set by its strategy. */
    private final Map<String, ReleaseRouting> releaseRouting = new ConcurrentHashMap<>();
    /** The other routers a service may choose ({@code x-slipway.kubernetes.trafficRouter}), by name. */
    private final Map<String, TrafficRouter> others = new ConcurrentHashMap<>();
    /** Services whose router is not registered here, by route name: warned about once. */
    private final Set<String> warnedUnrouted = ConcurrentHashMap.newKeySet();
    /** What release passes routed before saving it, so that a reconcile pass that read the store before does not undo it. */
    private final DecidedSets decided = new DecidedSets();

    public RouteSync(Router router, SpecCache specs, String bindHost) {
        this(router, specs, bindHost, null);
    }

    /**
     * @param internal routes the calls of an app's services to each other by name through their routes too; null
     *                 for outside traffic only
     */
    public RouteSync(Router router, SpecCache specs, String bindHost, InternalRouting internal) {
        this.router = router;
        this.specs = specs;
        this.bindHost = bindHost;
        this.internal = internal;
    }

    public Router router() {
        return router;
    }

    /** Lets services choose {@code other} ({@code x-slipway.kubernetes.trafficRouter: NAME}) instead of this router. */
    public void use(TrafficRouter other) {
        others.put(other.name(), other);
    }

    /** Route name of a service: {@code shop/web}. */
    public static String routeName(String app, String service) {
        return app + "/" + service;
    }

    @Override
    public long readStamp() {
        return decided.stamp();
    }

    /** After a reconcile pass: routes the sets it read, or the newer ones a release routed since. */
    @Override
    public synchronized void sync(String app, List<ReplicaSet> sets, long readStamp, List<ObservedReplica> observed) {
        sync(app, decided.newest(app, sets, readStamp), observed);
    }

    /**
     * After a release pass decided {@code sets}, before it saves them: they stay in force until a reconcile pass
     * has read them back ({@link #saved}), or are dropped if the save fails ({@link #notSaved}).
     */
    public synchronized void syncDecided(String app, List<ReplicaSet> sets, List<ObservedReplica> observed) {
        decided.decided(app, sets);
        sync(app, sets, observed);
    }

    /** The sets the app's release routed last are in the store now (or needed no saving). */
    public void saved(String app) {
        decided.saved(app);
    }

    /** The app's release could not save the sets it routed last: the next reconcile pass routes the store's. */
    public void notSaved(String app) {
        decided.notSaved(app);
    }

    /** Applies the routes of {@code app} for exactly {@code sets}. */
    public synchronized void sync(String app, List<ReplicaSet> sets, List<ObservedReplica> observed) {
        Map<String, List<ReplicaSet>> byService = sets.stream()
                .collect(Collectors.groupingBy(ReplicaSet::service, LinkedHashMap::new, Collectors.toList()));
        Set<String> wanted = new java.util.HashSet<>();
        Map<String, ServiceSpec> routed = new LinkedHashMap<>();
        byService.forEach((service, serviceSets) -> routed(app, service, serviceSets).ifPresent(s -> routed.put(service, s)));
        handOver(app, routed, byService, observed);
        Map<String, List<InternalListener>> listeners = internal == null ? Map.of() : internal.sync(app, routed);
        for (Map.Entry<String, List<ReplicaSet>> e : byService.entrySet()) {
            Optional<ServiceSpec.Route> route = Optional.ofNullable(routed.get(e.getKey())).map(ServiceSpec::route);
            if (route.isEmpty()) {
                continue;
            }
            String name = routeName(app, e.getKey());
            wanted.add(name);
            ReleaseRouting extra = releaseRouting.get(name);
            ServiceSpec service = routed.get(e.getKey());
            boolean scalesToZero = service.autoscale() != null && service.autoscale().scalesToZero();
            apply(spec(name, route.get(), e.getValue(), observed, extra)
                    .withInternal(listeners.getOrDefault(e.getKey(), List.of()))
                    .withHold(scalesToZero ? HOLD : null));
            if (extra != null && extra.previewPort() != null) {
                String preview = previewRouteName(app, e.getKey());
                wanted.add(preview);
                apply(previewSpec(preview, extra, e.getKey(), e.getValue(), observed));
            }
        }
        for (String name : List.copyOf(applied.keySet())) {
            if (name.startsWith(app + "/") && !wanted.contains(name)) {
                router.remove(name);
                applied.remove(name);
            }
        }
        // A route that never listened and is no longer wanted (a preview after a rollback) has nothing to report.
        failures.keySet().removeIf(name -> name.startsWith(app + "/") && !wanted.contains(name));
    }

    /**
     * Takes out of {@code routed} the services whose newest routed revision chose another router, and has each
     * registered router sync the app's services that chose it (none, for one the app no longer uses, so that it
     * removes what it made). One router failing leaves the others, and this router's routes, as they are.
     */
    private void handOver(String app, Map<String, ServiceSpec> routed, Map<String, List<ReplicaSet>> byService,
                          List<ObservedReplica> observed) {
        Map<String, List<ServiceTraffic>> byRouter = new HashMap<>();
        others.keySet().forEach(name -> byRouter.put(name, new ArrayList<>()));
        for (Map.Entry<String, ServiceSpec> e : List.copyOf(routed.entrySet())) {
            String chosen = e.getValue().kubernetes() == null ? null : e.getValue().kubernetes().trafficRouter();
            if (chosen == null || chosen.equals(KubernetesTraffic.RUNNER)) {
                continue;
            }
            routed.remove(e.getKey());
            String name = routeName(app, e.getKey());
            List<ServiceTraffic> mine = byRouter.get(chosen);
            if (mine == null) {
                // Refused at deploy on an engine without it; a revision stored before a restart on another engine.
                if (warnedUnrouted.add(name)) {
                    LOG.warn("Route {}: trafficRouter {} is not available with this engine; the service gets no"
                            + " routed traffic", name, chosen);
                }
                continue;
            }
            List<ReplicaSet> sets = byService.get(e.getKey());
            mine.add(new ServiceTraffic(e.getKey(), e.getValue(), sets, liveMatches(releaseRouting.get(name), sets)));
        }
        byRouter.forEach((router, services) -> {
            try {
                others.get(router).sync(app, services, observed);
            } catch (RuntimeException ex) {
                LOG.warn("App {}: the {} router could not apply its routes: {}", app, router, ex.getMessage());
            }
        });
    }

    /** The rules of a release whose revision is (still) in the desired state: another would send requests nowhere. */
    private static List<MatchRule> liveMatches(ReleaseRouting extra, List<ReplicaSet> sets) {
        if (extra == null) {
            return List.of();
        }
        return extra.matches().stream().filter(m -> sets.stream()
                .anyMatch(s -> String.valueOf(s.revision()).equals(m.revision()) && s.replicas() > 0)).toList();
    }

    private void apply(RouteSpec spec) {
        String name = spec.name();
        RouteSpec before = applied.get(name);
        if (spec.equals(before)) {
            return;
        }
        try {
            if (before != null && before.port() != spec.port()) {
                router.remove(name);
            }
            router.apply(spec);
            applied.put(name, spec);
            failures.remove(name);
        } catch (IOException | RuntimeException ex) {
            RouteFailure failure = new RouteFailure(spec.port(), String.valueOf(ex.getMessage()), rootCause(ex));
            if (!failure.equals(failures.put(name, failure))) {
                LOG.warn("Route {} on {}:{} cannot be applied: {}", name, bindHost, spec.port(), ex.getMessage());
            }
        }
    }

    private static String rootCause(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * Why a route does not listen.
     *
     * @param port    the port it should listen on; 0 when another router does not carry the route
     * @param message the router's whole message
     * @param cause   the innermost cause alone ({@code bind(..) failed: Address already in use}), for a reason
     *                that names the service and port itself
     */
    public record RouteFailure(int port, String message, String cause) {
        /** For a release's message: {@code route of web cannot listen on port 8000: ...}. */
        public String describe(String service) {
            return port == 0 ? "route of " + service + " not in force: " + message
                    : "route of " + service + " cannot listen on port " + port + ": " + message;
        }
    }

    /**
     * What a release adds to a service's route while it runs.
     *
     * @param matches         requests matching any rule go to the rule's revision whatever the weights (its healthy
     *                        replicas are backends even at weight 0)
     * @param sticky          a client keeps the revision it was first sent to
     * @param previewPort     a second route on this port serving {@code previewRevision} alone; null for none
     * @param previewRevision the revision the preview serves
     */
    public record ReleaseRouting(List<MatchRule> matches, boolean sticky, Integer previewPort, Integer previewRevision) {
        public ReleaseRouting {
            matches = List.copyOf(matches);
        }
    }

    /** Name of a service's preview route: {@code shop/web/preview}. */
    public static String previewRouteName(String app, String service) {
        return routeName(app, service) + "/preview";
    }

    /** Sets (or with null clears) what a release adds to a service's route; applied at the next sync. */
    public void releaseRouting(String app, String service, ReleaseRouting routing) {
        if (routing == null) {
            releaseRouting.remove(routeName(app, service));
        } else {
            releaseRouting.put(routeName(app, service), routing);
        }
    }

    @Override
    public int inFlight(String app, String service, String replicaId) {
        return router.inFlight(routeName(app, service), replicaId);
    }

    /** Removes every route of a deleted app. */
    @Override
    public synchronized void removeApp(String app) {
        decided.forget(app);
        releaseRouting.keySet().removeIf(k -> k.startsWith(app + "/"));
        sync(app, List.of(), List.of());
        if (internal != null) {
            internal.removeApp(app);
        }
        for (TrafficRouter other : others.values()) {
            try {
                other.removeApp(app);
            } catch (RuntimeException ex) {
                LOG.warn("App {}: the {} router could not remove its routes: {}", app, other.name(), ex.getMessage());
            }
        }
    }

    /**
     * Weights in force on a route, by revision, whichever router applied them; empty when the route is not
     * applied.
     */
    public Map<String, Integer> weights(String app, String service) {
        RouteSpec spec = applied.get(routeName(app, service));
        if (spec != null) {
            return new TreeMap<>(spec.weights());
        }
        for (TrafficRouter other : others.values()) {
            Map<String, Integer> w = other.weights(app, service);
            if (!w.isEmpty()) {
                return new TreeMap<>(w);
            }
        }
        return Map.of();
    }

    /**
     * Why the route named {@code routeName} (a service's, or its preview) does not listen, or why the router the
     * service chose does not carry it ({@link TrafficRouter#problem}, port 0); null when neither.
     */
    public RouteFailure failure(String routeName) {
        RouteFailure own = failures.get(routeName);
        if (own != null) {
            return own;
        }
        String[] appAndService = routeName.split("/", -1);
        if (appAndService.length != 2) {
            return null; // a preview route is always the runner's own
        }
        for (TrafficRouter other : others.values()) {
            String problem = other.problem(appAndService[0], appAndService[1]);
            if (problem != null) {
                return new RouteFailure(0, problem, problem);
            }
        }
        return null;
    }

    /** The spec of the newest revision of the service that has a route. */
    private Optional<ServiceSpec> routed(String app, String service, List<ReplicaSet> sets) {
        return sets.stream().map(ReplicaSet::revision).sorted(java.util.Comparator.reverseOrder())
                .map(rev -> specs.service(app, rev, service).filter(s -> s.route() != null).orElse(null))
                .filter(java.util.Objects::nonNull).findFirst();
    }

    private RouteSpec spec(String name, ServiceSpec.Route route, List<ReplicaSet> sets, List<ObservedReplica> observed,
                           ReleaseRouting extra) {
        String service = name.substring(name.indexOf('/') + 1);
        Set<String> matched = new java.util.HashSet<>();
        List<MatchRule> matches = new ArrayList<>();
        for (MatchRule m : liveMatches(extra, sets)) {
            matches.add(m);
            matched.add(m.revision());
        }
        List<Backend> backends = new ArrayList<>();
        Map<Integer, Integer> routableCount = new HashMap<>();
        Map<Integer, Integer> weights = new LinkedHashMap<>();
        for (ReplicaSet set : sets) {
            for (ObservedReplica r : observed) {
                if (inSet(r, service, set.revision(), set.replicas()) && routable(r)) {
                    routableCount.merge(set.revision(), 1, Integer::sum);
                    if (set.weight() > 0 || matched.contains(String.valueOf(set.revision()))) {
                        backends.add(backend(r, set.revision()));
                    }
                }
            }
            if (set.weight() > 0 && routableCount.getOrDefault(set.revision(), 0) > 0) {
                weights.put(set.revision(), set.weight());
            }
        }
        if (weights.isEmpty() && !routableCount.isEmpty()) {
            // Nothing with a weight can answer: serve from whatever runs rather than fail every request.
            weights.putAll(routableCount);
            backends.clear();
            for (ReplicaSet set : sets) {
                for (ObservedReplica r : observed) {
                    if (inSet(r, service, set.revision(), set.replicas()) && routable(r)) {
                        backends.add(backend(r, set.revision()));
                    }
                }
            }
        }
        Map<String, Integer> normalised = new TreeMap<>();
        Weights.proportional(weights).forEach((rev, w) -> normalised.put(String.valueOf(rev), w));
        backends.sort(java.util.Comparator.comparing(Backend::id));
        return new RouteSpec(name, bindHost, route.port(), backends, normalised, matches, extra != null && extra.sticky());
    }

    /** The preview route: the replicas of the preview revision alone. */
    private RouteSpec previewSpec(String name, ReleaseRouting extra, String service, List<ReplicaSet> sets,
                                  List<ObservedReplica> observed) {
        int revision = extra.previewRevision();
        int replicas = sets.stream().filter(s -> s.revision() == revision).mapToInt(ReplicaSet::replicas).sum();
        List<Backend> backends = new ArrayList<>();
        for (ObservedReplica r : observed) {
            if (inSet(r, service, revision, replicas) && routable(r)) {
                backends.add(backend(r, revision));
            }
        }
        backends.sort(java.util.Comparator.comparing(Backend::id));
        return new RouteSpec(name, bindHost, extra.previewPort(), backends, Map.of(String.valueOf(revision), 100),
                List.of(), false);
    }

    private static boolean inSet(ObservedReplica r, String service, int revision, int replicas) {
        return r.replica().service().equals(service) && r.replica().revision() == revision
                && r.replica().index() <= replicas;
    }

    /** Running, published, and ready now or ready before (then a backend marked unhealthy). */
    private static boolean routable(ObservedReplica r) {
        return r.endpoint() != null && r.replica().state() == Replica.State.RUNNING && (r.healthy() || r.servedBefore());
    }

    /** A backend at the endpoint the engine reports. */
    private static Backend backend(ObservedReplica r, int revision) {
        return new Backend(r.replica().id(), String.valueOf(revision), r.endpoint().host(), r.endpoint().port(),
                r.healthy());
    }
}
