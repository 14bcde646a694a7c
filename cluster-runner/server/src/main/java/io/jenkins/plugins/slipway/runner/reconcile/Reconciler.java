package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RestartRepository;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired-state loop. Each pass compares the stored replica sets with the engine's containers (found by
 * label, so a restarted runner adopts what it started before) and acts: starts what is missing, replaces what
 * died as the restart policy says, removes duplicates and strays (after draining them), probes health, and
 * hands the result to the router. It runs every second and at once when the engine reports a death.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    private static final Duration START_BACKOFF = Duration.ofSeconds(3);

    private final String runnerId;
    private final Database db;
    private final AppRepository apps;
    private final SpecCache specs;
    private final Engine engine;
    private final ObservedState observed;
    private final RouteSync routes;
    private final HealthProbe probe = new HealthProbe();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "reconcile"));
    private final ExecutorService workers = Executors.newFixedThreadPool(12, r -> daemon(r, "engine-op"));
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Container names with a start, replace or remove in progress: a pass leaves them alone. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Restarts per slot, for max_attempts and window; kept in the store across runner restarts. */
    private final RestartAttempts restarts;
    /** When a slot's container was first seen exited, for the restart delay. */
    private final Map<String, Long> exitedSince = new ConcurrentHashMap<>();
    /** Last start failure per slot: message and time, for backoff and for release messages. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private volatile AutoCloseable exitSubscription;
    /** Set after the first complete pass: until then the observed state does not show what runs. */
    private volatile boolean adopted;
    private final List<Runnable> passListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    record Failure(String message, long atMillis) {
    }

    public Reconciler(String runnerId, Database db, AppRepository apps, SpecCache specs, Engine engine, ObservedState observed,
                      RouteSync routes) {
        this.runnerId = runnerId;
        this.db = db;
        this.apps = apps;
        this.specs = specs;
        this.engine = engine;
        this.observed = observed;
        this.routes = routes;
        this.restarts = new RestartAttempts(db, new RestartRepository(), System::currentTimeMillis);
    }

    public void start() {
        exitSubscription = engine.onExit(Map.of(Labels.RUNNER, runnerId), id -> trigger());
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

    /** Why the last start of a replica (by container name) failed, or null. */
    public String startFailure(String containerName) {
        Failure f = failures.get(containerName);
        return f == null ? null : f.message();
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            LOG.warn("Reconcile pass failed, retrying in {} s: {}", PERIOD.toSeconds(), e.getMessage());
        }
    }

    private void pass() {
        Map<String, List<ReplicaSet>> desired = db.tx(c -> {
            Map<String, List<ReplicaSet>> m = new LinkedHashMap<>();
            for (AppRecord a : apps.all(c)) {
                m.put(a.name(), apps.replicaSets(c, a.name()));
            }
            return m;
        });
        List<Replica> listed = engine.list(Map.of(Labels.RUNNER, runnerId));
        probe.retainOnly(listed.stream().map(Replica::id).collect(Collectors.toSet()));
        Map<String, List<Replica>> actual = listed.stream()
                .filter(r -> r.app() != null)
                .collect(Collectors.groupingBy(Replica::app));
        Set<String> names = new TreeSet<>(desired.keySet());
        names.addAll(actual.keySet());
        for (String app : names) {
            try {
                reconcile(app, desired.get(app), actual.getOrDefault(app, List.of()));
            } catch (RuntimeException e) {
                LOG.warn("Reconciling app {} failed: {}", app, e.getMessage());
            }
        }
        try {
            restarts.retainOnly(desired.values().stream().flatMap(List::stream)
                    .flatMap(Reconciler::slotsOf).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            LOG.warn("Forgetting the restart attempts of removed replicas failed: {}", e.getMessage());
        }
        adopted = true;
        passListeners.forEach(Runnable::run);
    }

    private void reconcile(String app, List<ReplicaSet> sets, List<Replica> containers) {
        if (sets == null) {
            // The app was deleted: everything of it goes, routes first.
            routes.removeApp(app);
            observed.forget(app);
            specs.evict(app);
            containers.forEach(c -> removeAsync(c, null));
            return;
        }
        Map<String, Slot> slots = new LinkedHashMap<>();
        sets.stream().flatMap(Reconciler::slotsOf).forEach(slot -> slots.put(slot.containerName(), slot));
        Map<String, Replica> bySlot = new HashMap<>();
        List<Replica> strays = new ArrayList<>();
        for (Replica c : containers) {
            Slot slot = slots.get(Labels.keyOf(c.name(), runnerId));
            boolean canonical = slot != null && slot.service().equals(c.service())
                    && slot.revision() == c.revision() && slot.index() == c.index();
            if (canonical) {
                bySlot.put(slot.containerName(), c);
            } else {
                strays.add(c);
            }
        }
        List<CompletableFuture<ObservedReplica>> checks = new ArrayList<>();
        for (Slot slot : slots.values()) {
            String name = slot.containerName();
            if (busy.contains(name)) {
                continue;
            }
            ServiceSpec spec = specs.service(app, slot.revision(), slot.service()).orElse(null);
            if (spec == null) {
                continue;
            }
            Replica c = bySlot.get(name);
            if (c == null) {
                Failure f = failures.get(name);
                if (f == null || System.currentTimeMillis() - f.atMillis() > START_BACKOFF.toMillis()) {
                    startAsync(slot, spec, null);
                }
            } else if (c.state() == Replica.State.EXITED || c.state() == Replica.State.CREATED) {
                replaceIfPolicyAllows(slot, spec, c);
                checks.add(CompletableFuture.completedFuture(new ObservedReplica(c, false,
                        "container " + c.state().name().toLowerCase(java.util.Locale.ROOT), 0)));
            } else {
                exitedSince.remove(name);
                if (c.state() == Replica.State.RUNNING && restarts.forgiveIfProven(slot, spec.restartPolicy())) {
                    LOG.info("Replica {} of app {} stayed up longer than its restart window {}: its restart"
                            + " attempts start again from 0", slot.displayName(), slot.app(), spec.restartPolicy().window());
                }
                checks.add(CompletableFuture.supplyAsync(() -> observe(c, spec), workers));
            }
        }
        List<ObservedReplica> seen = new ArrayList<>();
        for (CompletableFuture<ObservedReplica> f : checks) {
            seen.add(f.join());
        }
        observed.put(app, seen, containers);
        routes.sync(app, sets, seen);
        for (Replica stray : strays) {
            removeAsync(stray, RouteSync.routeName(app, stray.service()));
        }
    }

    private static Stream<Slot> slotsOf(ReplicaSet s) {
        return IntStream.rangeClosed(1, s.replicas())
                .mapToObj(i -> new Slot(s.app(), s.service(), s.revision(), i));
    }

    private ObservedReplica observe(Replica c, ServiceSpec spec) {
        HealthProbe.Verdict v = probe.check(c, spec);
        int hostPort = spec.route() == null ? 0 : c.hostPorts().getOrDefault(spec.route().targetPort(), 0);
        return new ObservedReplica(c, v.healthy(), v.detail(), hostPort, v.servedBefore());
    }

    private void replaceIfPolicyAllows(Slot slot, ServiceSpec spec, Replica c) {
        String name = slot.containerName();
        if (c.state() == Replica.State.CREATED) {
            // A start cut short (the runner was killed between create and start): start it afresh.
            if (exitedSince.putIfAbsent(name, System.currentTimeMillis()) != null) {
                startAsync(slot, spec, c);
            }
            return;
        }
        int attempts = restarts.attempts(slot);
        if (!spec.restartPolicy().replaces(c.exitCode(), attempts)) {
            return;
        }
        long since = exitedSince.computeIfAbsent(name, k -> System.currentTimeMillis());
        if (System.currentTimeMillis() - since >= spec.restartPolicy().delay().toMillis()) {
            // Counted before the start, so a runner killed in between does not get the attempt back.
            int restart = restarts.countReplacement(slot);
            LOG.info("Replica {} of app {} exited with {}, replacing it (restart {})", slot.displayName(), slot.app(),
                    c.exitCode(), restart);
            startAsync(slot, spec, c);
        }
    }

    private void startAsync(Slot slot, ServiceSpec spec, Replica previous) {
        String name = slot.containerName();
        if (!busy.add(name)) {
            return;
        }
        workers.execute(() -> {
            try {
                if (previous != null) {
                    engine.remove(previous.id(), Duration.ZERO);
                }
                engine.start(ReplicaSpecs.of(runnerId, slot, spec));
                failures.remove(name);
                exitedSince.remove(name);
                recordStart(slot);
            } catch (RuntimeException e) {
                failures.put(name, new Failure(e.getMessage(), System.currentTimeMillis()));
                LOG.warn("Starting replica {} of app {} failed: {}", slot.displayName(), slot.app(), e.getMessage());
            } finally {
                busy.remove(name);
                trigger();
            }
        });
    }

    /** Starts the slot's restart window, when a counted replacement was waiting for this start. */
    private void recordStart(Slot slot) {
        try {
            restarts.replacementStarted(slot);
        } catch (RuntimeException e) {
            // Not a failed start: the replica runs, only its attempts will not be forgiven by the window.
            LOG.warn("Recording the start of replica {} of app {} failed: {}", slot.displayName(), slot.app(),
                    e.getMessage());
        }
    }

    private void removeAsync(Replica c, String routeName) {
        String key = Labels.keyOf(c.name(), runnerId);
        if (!busy.add(key)) {
            return;
        }
        workers.execute(() -> {
            try {
                if (routeName != null && c.state() == Replica.State.RUNNING) {
                    drain(routeName, c.id());
                }
                ServiceSpec spec = specs.service(c.app(), c.revision(), c.service()).orElse(null);
                engine.remove(c.id(), spec == null ? Duration.ofSeconds(10) : spec.stopGrace());
                LOG.info("Removed replica {} of app {}", c.displayName(), c.app());
            } catch (RuntimeException e) {
                LOG.warn("Removing {} failed: {}", c.name(), e.getMessage());
            } finally {
                busy.remove(key);
            }
        });
    }

    /** Waits (bounded) until the router has no request in flight to the replica; it is already out of the route. */
    private void drain(String routeName, String backendId) {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try {
            while (routes.router().inFlight(routeName, backendId) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("No in-flight figure for {}: {}", backendId, e.getMessage());
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (exitSubscription != null) {
            try {
                exitSubscription.close();
            } catch (Exception e) {
                LOG.debug("Closing the exit subscription: {}", e.toString());
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, "slipway-" + name);
        t.setDaemon(true);
        return t;
    }
}
