package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppResourcesUnion;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.CallsByName;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.ExternalFiles;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.NetworkAddress;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.TaskEngine;
import io.jenkins.plugins.slipway.runner.engine.TaskSpec;
import io.jenkins.plugins.slipway.runner.engine.VolumeRemoval;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.RestartRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica sets on a runtime that only runs containers: each replica is a slot (service, revision, index) with
 * one container named after it. A converge compares the slots with the containers found by label (so a restarted
 * runner adopts what it started before) and acts: starts what is missing, replaces what exited as the restart
 * policy says (unless the runtime restarts containers itself), and retires duplicates and strays.
 * <p>
 * This class is the only one that starts or stops a container, and it does so for one slot at a time: an
 * operation in progress marks the slot busy, and a slot whose operation finished after the container list was
 * read is left alone until the next converge, whose list shows the result. (Acting on a list read before a start
 * finished is how the same replica used to be started twice: "a container named ... already exists".)
 */
public final class ContainerEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerEngine.class);
    private static final Duration START_BACKOFF = Duration.ofSeconds(3);

    private final String runnerId;
    private final ContainerRuntime runtime;
    private final AppNetworksAndVolumes shared;
    private final RoutedNetworks routedNetworks;
    /** Per app, its routed services reached by name through the router ({@link CallsByName}), from the last converge. */
    private final Map<String, Set<String>> throughRouter = new ConcurrentHashMap<>();
    /** Where ports with a fixed host port are published ({@code serve --publish-address}). */
    private final String publishAddress;
    private final FileValues values;
    private final ExecutorService workers = Executors.newFixedThreadPool(12, r -> {
        Thread t = new Thread(r, "slipway-engine-op");
        t.setDaemon(true);
        return t;
    });
    /** Container names with a start, replace or remove in progress. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** When the last operation on a container name finished ({@link System#nanoTime()}). */
    private final Map<String, Long> settledAt = new ConcurrentHashMap<>();
    /** Restarts per slot, for max_attempts and window; kept in the store across runner restarts. */
    private final RestartAttempts restarts;
    /** When a slot's container was first seen exited, for the restart delay. */
    private final Map<String, Long> exitedSince = new ConcurrentHashMap<>();
    /** Last start failure per slot: message and time, for backoff and for release messages. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    /** Whether the runtime answers, and which replicas its restart stopped. */
    private final RuntimeOutage outage = new RuntimeOutage();
    /** Told when a start or a removal finished, so the next converge comes at once. */
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    private record Failure(String message, long atMillis) {
    }

    /**
     * @param runnerId the id this runner's containers carry; another runner's containers on the same runtime
     *                 are never touched
     * @param db       where restart attempts are kept
     */
    public ContainerEngine(String runnerId, ContainerRuntime runtime, Database db) {
        this(runnerId, runtime, db, "127.0.0.1");
    }

    /**
     * @param publishAddress where Compose {@code ports} with a host port are published
     */
    public ContainerEngine(String runnerId, ContainerRuntime runtime, Database db, String publishAddress) {
        this(runnerId, runtime, db, publishAddress, FileValues.NONE);
    }

    /**
     * @param publishAddress where Compose {@code ports} with a host port are published
     * @param values         where the plain values of secrets and configs come from when a replica is created
     */
    public ContainerEngine(String runnerId, ContainerRuntime runtime, Database db, String publishAddress,
                           FileValues values) {
        this.values = values;
        this.runnerId = runnerId;
        this.runtime = runtime;
        this.shared = new AppNetworksAndVolumes(runnerId, runtime);
        this.routedNetworks = new RoutedNetworks(runtime, shared, HostResolvers.find());
        this.publishAddress = publishAddress;
        this.restarts = new RestartAttempts(db, new RestartRepository(), System::currentTimeMillis);
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public Capabilities capabilities() {
        return runtime.capabilities();
    }

    /** External secrets and configs: a container engine keeps none of its own to mount. */
    @Override
    public List<ApiError.Problem> refusals(AppSpec spec) {
        return ExternalFiles.refusals(spec, "the " + name() + " engine keeps no secrets or configs of its own");
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        AutoCloseable exits = runtime.onExit(Map.of(Labels.RUNNER, runnerId), id -> listener.run());
        changeListeners.add(listener);
        return () -> {
            changeListeners.remove(listener);
            exits.close();
        };
    }

    /**
     * Tasks run on the runtime itself: one container each, which this class's converge never touches. A task that
     * runs as a service of an app gets the app's networks and volumes (made first when no replica of the app made
     * them yet) and the service's secrets and configs.
     */
    @Override
    public TaskEngine tasks() {
        TaskEngine plain = runtime.tasks(runnerId);
        return new TaskEngine() {
            @Override
            public TaskContainer start(TaskSpec spec, Output output) {
                TaskSpec.AppService service = spec.service();
                if (service == null) {
                    return plain.start(spec, output);
                }
                AppResources prepared = shared.of(service.app());
                shared.prepare(service.app(), prepared == null ? service.resources()
                        : AppResourcesUnion.of(List.of(prepared, service.resources())));
                // Index 0: no replica has it, so the task's names never stand for a replica's.
                Slot slot = new Slot(service.app(), service.spec().name(), service.revision(), 0);
                ReplicaSpec container = ReplicaSpecs.forTask(runnerId, spec.id(), slot, service, shared,
                        publishAddress, values);
                // Calls by name to the app's routed services go through the router, as the replicas' calls do.
                return runtime.startTask(runnerId, spec.id(), routedNetworks.apply(container, service.spec(), slot,
                        throughRouter.getOrDefault(service.app(), Set.of())), output);
            }

            @Override
            public int removeAll() {
                return plain.removeAll();
            }
        };
    }

    /** The runtime reads its own containers: a replica here is one container. */
    @Override
    public ReplicaStats stats() {
        return runtime.stats();
    }

    @Override
    public void prepare(String app, AppResources resources) {
        shared.prepare(app, resources);
    }

    @Override
    public VolumeRemoval removeApp(String app, boolean volumes, Duration wait) {
        routedNetworks.forget();
        return VolumeRemoval.of(shared.remove(app, volumes, wait));
    }

    @Override
    public Map<String, NetworkAddress> networkAddresses(String app) {
        return routedNetworks.of(app);
    }

    @Override
    public List<String> volumes(String app) {
        return shared.volumes(app);
    }

    @Override
    public String startFailure(String app, String service, int revision, int index) {
        Failure f = failures.get(new Slot(app, service, revision, index).containerName());
        return f == null ? null : f.message();
    }

    @Override
    public Observation converge(Map<String, List<ReplicaSetSpec>> desired, Retirement retire) {
        desired.forEach((app, sets) -> throughRouter.put(app,
                CallsByName.throughRouter(sets.stream().map(ReplicaSetSpec::spec).toList())));
        throughRouter.keySet().retainAll(desired.keySet());
        long listedAt = System.nanoTime();
        List<Replica> listed;
        try {
            listed = runtime.list(Map.of(Labels.RUNNER, runnerId));
        } catch (RuntimeException e) {
            outage.lost(runtime.name(), e);
            throw e;
        }
        outage.answered(runtime.name(), listed);
        Map<String, List<Replica>> actual = listed.stream()
                .filter(r -> r.app() != null)
                .collect(Collectors.groupingBy(Replica::app));
        Set<String> apps = new TreeSet<>(desired.keySet());
        apps.addAll(actual.keySet());
        Map<String, List<Replica>> members = new LinkedHashMap<>();
        for (String app : apps) {
            List<Replica> containers = actual.getOrDefault(app, List.of());
            try {
                members.put(app, convergeApp(desired.getOrDefault(app, List.of()), containers, listedAt, retire));
            } catch (RuntimeException e) {
                LOG.warn("Converging app {} failed: {}", app, e.getMessage());
                members.put(app, List.of());
            }
        }
        try {
            restarts.retainOnly(desired.values().stream().flatMap(List::stream)
                    .flatMap(ContainerEngine::slotsOf).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            LOG.warn("Forgetting the restart attempts of removed replicas failed: {}", e.getMessage());
        }
        settledAt.values().removeIf(t -> t - listedAt < 0);
        return new Observation(members, actual);
    }

    /** Acts on one app's slots; answers the containers that fill them. */
    private List<Replica> convergeApp(List<ReplicaSetSpec> sets, List<Replica> containers, long listedAt,
                                      Retirement retire) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        Map<Slot, ServiceSpec> specs = new HashMap<>();
        for (ReplicaSetSpec set : sets) {
            slotsOf(set).forEach(slot -> {
                slots.put(slot.containerName(), slot);
                specs.put(slot, set.spec());
            });
        }
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
        List<Replica> members = new ArrayList<>();
        for (Slot slot : slots.values()) {
            String name = slot.containerName();
            ServiceSpec spec = specs.get(slot);
            if (busy.contains(name) || settledSince(name, listedAt) || spec == null) {
                continue;
            }
            Replica c = bySlot.get(name);
            if (c == null) {
                Failure f = failures.get(name);
                if (f == null || System.currentTimeMillis() - f.atMillis() > START_BACKOFF.toMillis()) {
                    startAsync(slot, spec, null);
                }
                continue;
            }
            members.add(c);
            if (c.state() == Replica.State.EXITED || c.state() == Replica.State.CREATED) {
                replaceIfPolicyAllows(slot, spec, c);
            } else {
                exitedSince.remove(name);
                if (c.state() == Replica.State.RUNNING && restarts.forgiveIfProven(slot, spec.restartPolicy())) {
                    LOG.info("Replica {} of app {} stayed up longer than its restart window {}: its restart"
                            + " attempts start again from 0", slot.displayName(), slot.app(), spec.restartPolicy().window());
                }
            }
        }
        for (Replica stray : strays) {
            String key = Labels.keyOf(stray.name(), runnerId);
            if (!settledSince(key, listedAt)) {
                removeAsync(stray, key, retire);
            }
        }
        return members;
    }

    /** Whether an operation on the name finished after the list in hand was read: the list is stale for it. */
    private boolean settledSince(String name, long listedAt) {
        Long t = settledAt.get(name);
        return t != null && t - listedAt >= 0;
    }

    private static Stream<Slot> slotsOf(ReplicaSetSpec s) {
        return IntStream.rangeClosed(1, s.replicas())
                .mapToObj(i -> new Slot(s.app(), s.service(), s.revision(), i));
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
        if (outage.stopped(c.id())) {
            // Not the replica's failure: the runtime's restart stopped it. Started again whatever its restart
            // policy says, without using up one of its attempts.
            LOG.info("Replica {} of app {} was stopped by the {} engine's restart, starting it again",
                    slot.displayName(), slot.app(), runtime.name());
            startAsync(slot, spec, c);
            return;
        }
        if (capabilities().restarts()) {
            return; // the runtime replaces it itself
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
                    runtime.remove(previous.id(), Duration.ZERO);
                }
                runtime.start(routedNetworks.apply(
                        ReplicaSpecs.of(runnerId, slot, spec, shared.of(slot.app()), shared, publishAddress, values),
                        spec, slot, throughRouter.getOrDefault(slot.app(), Set.of())));
                failures.remove(name);
                exitedSince.remove(name);
                recordStart(slot);
            } catch (RuntimeException e) {
                failures.put(name, new Failure(e.getMessage(), System.currentTimeMillis()));
                LOG.warn("Starting replica {} of app {} failed: {}", slot.displayName(), slot.app(), e.getMessage());
            } finally {
                settle(name);
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

    private void removeAsync(Replica c, String key, Retirement retire) {
        if (!busy.add(key)) {
            return;
        }
        workers.execute(() -> {
            try {
                Duration grace = retire.drain(c);
                runtime.remove(c.id(), grace);
                LOG.info("Removed replica {} of app {}", c.displayName(), c.app());
            } catch (RuntimeException e) {
                LOG.warn("Removing {} failed: {}", c.name(), e.getMessage());
            } finally {
                settle(key);
            }
        });
    }

    /** The operation on {@code name} is over: the slot is free, and the list in hand no longer tells about it. */
    private void settle(String name) {
        settledAt.put(name, System.nanoTime());
        busy.remove(name);
        changeListeners.forEach(Runnable::run);
    }

    @Override
    public void close() {
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close();
    }
}
