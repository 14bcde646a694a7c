package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppResourcesUnion;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.engine.VolumeRemoval;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired-state loop. Each pass reads the stored replica sets, hands them to the engine
 * ({@link Engine#converge}: it starts what is missing, replaces what died when it is the runner's job, and
 * retires what is no longer wanted after the router drained it), decides each replica's health from what the
 * engine reports, and hands the result to the router. It runs every second and at once when the engine reports
 * a change.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    /** How long deleting an app with its volumes waits for its replicas to stop (each gets its stop grace). */
    private static final Duration REMOVE_WAIT = Duration.ofSeconds(60);
    /** How long a replica whose revision is no longer known may take to stop. */
    private static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

    private final Database db;
    private final AppRepository apps;
    private final SpecCache specs;
    private final Engine engine;
    private final ObservedState observed;
    private final Routes routes;
    private final HealthProbe probe;
    /** Apps whose networks and volumes are being removed (the app was deleted): none is prepared meanwhile. */
    private final java.util.Set<String> removing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "reconcile"));
    private final ExecutorService probes = Executors.newFixedThreadPool(12, r -> daemon(r, "health-probe"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile AutoCloseable changeSubscription;
    /** Set after the first complete pass: until then the observed state does not show what runs. */
    private volatile boolean adopted;
    private final List<Runnable> passListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Reconciler(Database db, AppRepository apps, SpecCache specs, Engine engine, ObservedState observed,
                      Routes routes) {
        this.db = db;
        this.apps = apps;
        this.specs = specs;
        this.engine = engine;
        this.observed = observed;
        this.routes = routes;
        this.probe = new HealthProbe(engine.capabilities());
    }

    public void start() {
        changeSubscription = engine.onChange(this::trigger);
        loop.scheduleWithFixedDelay(this::passQuietly, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass as soon as possible (coalesced with one already queued). */
    public void trigger() {
        if (queued.compareAndSet(false, true)) {
            loop.execute(() -> {
                queued.set(false);
                passQuietly();
            });
        }
    }

    /** Whether a full pass has run since the runner started, so the observed state reflects the engine. */
    public boolean adopted() {
        return adopted;
    }

    /** Called after every pass, so a release sees new observations at once rather than at its next tick. */
    public void onPass(Runnable listener) {
        passListeners.add(listener);
    }

    /**
     * Removes a deleted app's networks, and its named volumes when {@code volumes} is true, once its replicas
     * are gone (waited for up to a minute).
     *
     * @return the volumes removed, and those the engine left where they are
     */
    public VolumeRemoval removeAppResources(String app, boolean volumes) {
        // A pass that read the app before it was deleted must not make its networks again once they are removed:
        // such a pass ends before the removal can (the app's replicas only go in a later pass), so the mark is
        // still there when it would prepare them.
        removing.add(app);
        try {
            trigger();
            return engine.removeApp(app, volumes, REMOVE_WAIT);
        } finally {
            removing.remove(app);
        }
    }

    /** The named volumes the engine keeps for the app. */
    public List<String> volumes(String app) {
        return engine.volumes(app);
    }

    /** Why the engine could not start replica {@code index} of a service at a revision lately, or null. */
    public String startFailure(String app, String service, int revision, int index) {
        return engine.startFailure(app, service, revision, index);
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warn("Reconcile pass failed, retrying in {} s: {}", PERIOD.toSeconds(), e.getMessage());
        }
    }

    private void pass() {
        long readStamp = routes.readStamp();
        Map<String, List<ReplicaSet>> desired = db.tx(c -> {
            Map<String, List<ReplicaSet>> m = new LinkedHashMap<>();
            for (AppRecord a : apps.all(c)) {
                m.put(a.name(), apps.replicaSets(c, a.name()));
            }
            return m;
        });
        for (String gone : observed.apps()) {
            if (!desired.containsKey(gone)) {
                // The app was deleted: its routes go first, then the engine retires its replicas.
                routes.removeApp(gone);
                observed.forget(gone);
                specs.evict(gone);
            }
        }
        Map<String, List<ReplicaSetSpec>> wanted = new LinkedHashMap<>();
        desired.forEach((app, sets) -> wanted.put(app, sets.stream()
                .map(s -> new ReplicaSetSpec(app, s.service(), s.revision(), s.replicas(),
                        specs.service(app, s.revision(), s.service()).orElse(null)))
                .toList()));
        desired.forEach(this::prepare);
        Engine.Observation seen = engine.converge(wanted, this::retire);
        probe.retainOnly(seen.all().values().stream().flatMap(List::stream).map(Replica::id)
                .collect(Collectors.toSet()));
        for (Map.Entry<String, List<ReplicaSet>> e : desired.entrySet()) {
            try {
                observe(e.getKey(), e.getValue(), readStamp, seen);
            } catch (RuntimeException ex) {
                LOG.warn("Reconciling app {} failed: {}", e.getKey(), ex.getMessage());
            }
        }
        adopted = true;
        passListeners.forEach(Runnable::run);
    }

    /**
     * Has the engine make the app's networks and volumes before its replicas start: those its replica sets'
     * revisions declare together (the networks of a release's old and new revisions both exist while it runs).
     */
    private void prepare(String app, List<ReplicaSet> sets) {
        if (removing.contains(app)) {
            return;
        }
        try {
            List<AppResources> declared = sets.stream().map(ReplicaSet::revision).distinct().sorted()
                    .map(rev -> specs.spec(app, rev).map(AppSpec::resources).orElse(null))
                    .filter(java.util.Objects::nonNull).toList();
            if (!declared.isEmpty()) {
                engine.prepare(app, AppResourcesUnion.of(declared));
            }
        } catch (RuntimeException e) {
            LOG.warn("Preparing the networks and volumes of app {} failed: {}", app, e.getMessage());
        }
    }

    /** Decides the health of the app's replicas, records what was seen, and applies the app's routes. */
    private void observe(String app, List<ReplicaSet> sets, long readStamp, Engine.Observation seen) {
        List<CompletableFuture<ObservedReplica>> checks = new ArrayList<>();
        for (Replica r : seen.members().getOrDefault(app, List.of())) {
            ServiceSpec spec = specs.service(app, r.revision(), r.service()).orElse(null);
            checks.add(CompletableFuture.supplyAsync(() -> observe(r, spec), probes));
        }
        List<ObservedReplica> replicas = new ArrayList<>();
        for (CompletableFuture<ObservedReplica> f : checks) {
            replicas.add(f.join());
        }
        observed.put(app, replicas, seen.all().getOrDefault(app, List.of()));
        routes.sync(app, sets, readStamp, replicas);
    }

    private ObservedReplica observe(Replica r, ServiceSpec spec) {
        HealthProbe.Verdict v = probe.check(r, spec);
        if (!v.healthy()) {
            LOG.debug("Replica {} of {} not ready: {}", r.displayName(), r.app(), v.detail());
        }
        Endpoint endpoint = spec == null || spec.route() == null ? null : r.endpoint(spec.route().targetPort());
        return new ObservedReplica(r, v.healthy(), v.detail(), endpoint, v.servedBefore());
    }

    /** Before the engine stops a replica no longer wanted: out of its route, with no request in flight. */
    private Duration retire(Replica r) {
        if (r.state() == Replica.State.RUNNING && observed.seen(r.app())) {
            drain(r);
        }
        return specs.service(r.app(), r.revision(), r.service()).map(ServiceSpec::stopGrace).orElse(DEFAULT_STOP_GRACE);
    }

    /** Waits (bounded) until the router has no request in flight to the replica; it is already out of the route. */
    private void drain(Replica r) {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try {
            while (routes.inFlight(r.app(), r.service(), r.id()) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("No in-flight figure for {}: {}", r.id(), e.getMessage());
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        probes.shutdownNow();
        if (changeSubscription != null) {
            try {
                changeSubscription.close();
            } catch (Exception e) {
                LOG.debug("Closing the change subscription: {}", e.toString());
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, "slipway-" + name);
        t.setDaemon(true);
        return t;
    }
}
