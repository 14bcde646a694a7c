package io.jenkins.plugins.slipway.runner.engine.swarm;

import com.github.dockerjava.api.model.Service;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.VolumeRemoval;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica sets as Docker Swarm services, on a manager: each service at each revision is one replicated Swarm
 * service ({@link SwarmServiceSpecs}), found again by its labels after a runner restart. Swarm schedules the
 * tasks (placement, reservations), restarts them by the restart policy, runs their health checks and
 * reschedules them off a failed node; the runner only creates, scales and removes services and reads the tasks.
 * <p>
 * A replica is a task the orchestrator wants running, on a node that is up. Its index is its rank by Swarm slot
 * among those, so a set of N replicas answers indexes 1..N; tasks beyond N and tasks being shut down come after.
 * Its endpoints are its node's address and the host-mode ports the node published for it. A task of a node that
 * went down is dropped at once, before Swarm has even rescheduled it.
 * <p>
 * A scale-down lets Swarm choose the task that goes (it picks by node balance; the API takes no task). That task
 * leaves the replicas as soon as the orchestrator marks it, and the router stops sending it requests at the
 * next pass, which comes at once; it stops after its {@code stop_grace_period}. A set that goes entirely is
 * drained first: every task is taken out of traffic and waited for, then the service is removed.
 */
public final class SwarmEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmEngine.class);
    private static final Capabilities CAPABILITIES = new Capabilities(true, true, true, true);
    /** How long a scale-down is followed closely, to report the task Swarm chose at once. */
    private static final long FOLLOW_SCALE_DOWN_MILLIS = 3000;
    /** How long a created or scaled service's tasks are followed closely ({@link TaskWatch}), beyond the stop grace. */
    private static final Duration FOLLOW_TASKS = Duration.ofSeconds(30);

    private final String runnerId;
    private final SwarmClient swarm;
    private final SwarmNetworks networks;
    private final SwarmFiles files;
    private final SwarmVolumes volumes;
    private final TaskWatch taskWatch;
    private final ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "slipway-swarm-op");
        t.setDaemon(true);
        return t;
    });
    /** Service names with a create, update or remove in progress. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Why a set's service could not be created or its tasks cannot run lately, by service name. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    /**
     * @param runnerId   the id this runner's services carry; another runner's services are never touched
     * @param dockerHost a Swarm manager, as {@code DOCKER_HOST} names it
     * @param values     where the values of the apps' secrets and configs are read when a service is made
     */
    public SwarmEngine(String runnerId, String dockerHost, FileValues values) {
        this.runnerId = runnerId;
        this.swarm = new SwarmClient(dockerHost);
        this.networks = new SwarmNetworks(runnerId, swarm);
        this.files = new SwarmFiles(runnerId, swarm, values);
        this.volumes = new SwarmVolumes(runnerId, swarm);
        this.taskWatch = new TaskWatch(swarm, () -> changeListeners.forEach(Runnable::run));
    }

    /** Fails fast, with what to do, when the engine is not a Swarm manager. */
    public void requireManager() {
        swarm.requireManager();
    }

    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        AutoCloseable events = swarm.onEvents(listener);
        changeListeners.add(listener);
        return () -> {
            changeListeners.remove(listener);
            events.close();
        };
    }

    @Override
    public String startFailure(String app, String service, int revision, int index) {
        String failure = failures.get(SwarmServiceSpecs.name(runnerId, app, service, revision));
        return failure != null ? failure : networks.failure(app);
    }

    @Override
    public void prepare(String app, AppResources resources) {
        networks.prepare(app, resources);
    }

    @Override
    public VolumeRemoval removeApp(String app, boolean volumes, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, String> mine = Map.of(Labels.RUNNER, runnerId, Labels.APP, app);
        while (true) {
            try {
                if (swarm.services(mine).isEmpty()) {
                    // The tasks leave the overlay networks a moment after their service is gone.
                    networks.remove(app);
                    List<String> kept = files.remove(app);
                    if (!kept.isEmpty()) {
                        LOG.warn("App {}: the swarm kept {}", app, String.join(", ", kept));
                    }
                    // Kept, as on the Docker engine, unless asked: the node labels go with them, not before.
                    return volumes ? this.volumes.remove(app, deadline) : VolumeRemoval.none();
                }
            } catch (EngineException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new EngineException("the services of app " + app + " are still there after "
                        + wait.toSeconds() + " s; try again", null);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for the services of " + app + " to go", e);
            }
        }
    }

    /**
     * None: the manager's API reads the stats of containers on its own node only, and a service's tasks run on
     * any node; a figure of the manager's tasks alone would size the service on a part of it.
     */
    @Override
    public ReplicaStats stats() {
        throw new EngineException("the swarm engine does not report its replicas' CPU and memory use: the manager's"
                + " API reads the stats of containers on its own node only, and the tasks run on other nodes too",
                null);
    }

    /** What of the app model the tasks would start without ({@link SwarmServiceSpecs#refusals}). */
    @Override
    public List<ApiError.Problem> refusals(AppSpec spec) {
        return SwarmServiceSpecs.refusals(spec);
    }

    /** The app's named volumes whose node the swarm remembers ({@link SwarmVolumes}). */
    @Override
    public List<String> volumes(String app) {
        return volumes.names(app);
    }

    /** Services that write to a named volume, which lives on one node ({@link SwarmVolumes#oneReplicaOnly}). */
    @Override
    public Map<String, String> oneReplicaOnly(AppSpec spec) {
        return SwarmVolumes.oneReplicaOnly(spec);
    }

    /** Services pinned to the node their named volumes live on ({@link SwarmVolumes#rules}). */
    @Override
    public Map<String, String> pins(String app, AppSpec spec) {
        return volumes.rules(app, spec);
    }

    @Override
    public Observation converge(Map<String, List<ReplicaSetSpec>> desired, Retirement retire) {
        List<Service> services = swarm.services(Map.of(Labels.RUNNER, runnerId));
        Map<String, SwarmClient.Node> nodes = swarm.nodes();
        Map<String, List<Task>> tasksByService = swarm.tasks(services.stream().map(Service::getId).toList())
                .stream().collect(Collectors.groupingBy(Task::serviceId));
        Map<String, Service> byName = new HashMap<>();
        for (Service s : services) {
            byName.put(s.getSpec().getName(), s);
        }
        Map<String, List<Replica>> members = new LinkedHashMap<>();
        Map<String, List<Replica>> all = new LinkedHashMap<>();
        Set<String> wanted = ConcurrentHashMap.newKeySet();
        for (Map.Entry<String, List<ReplicaSetSpec>> app : desired.entrySet()) {
            List<Replica> appMembers = new ArrayList<>();
            for (ReplicaSetSpec set : app.getValue()) {
                String name = SwarmServiceSpecs.name(runnerId, set.app(), set.service(), set.revision());
                wanted.add(name);
                Service service = byName.get(name);
                List<Task> tasks = service == null ? List.of() : tasksByService.getOrDefault(service.getId(), List.of());
                Ranked ranked = rank(set.app(), set.service(), set.revision(), tasks, nodes,
                        set.spec() != null && set.spec().healthcheck() != null && !set.spec().healthcheck().disabled());
                appMembers.addAll(ranked.members().subList(0, Math.min(set.replicas(), ranked.members().size())));
                all.computeIfAbsent(set.app(), k -> new ArrayList<>()).addAll(ranked.all());
                noteFailure(name, tasks);
                act(set, name, service);
            }
            members.put(app.getKey(), appMembers);
        }
        for (Service s : services) {
            String name = s.getSpec().getName();
            if (wanted.contains(name)) {
                continue;
            }
            Map<String, String> l = s.getSpec().getLabels() == null ? Map.of() : s.getSpec().getLabels();
            int revision = parse(l.get(Labels.REVISION));
            Ranked ranked = rank(l.get(Labels.APP), l.get(Labels.SERVICE), revision,
                    tasksByService.getOrDefault(s.getId(), List.of()), nodes, false);
            if (l.get(Labels.APP) != null) {
                all.computeIfAbsent(l.get(Labels.APP), k -> new ArrayList<>()).addAll(ranked.all());
            }
            removeAsync(s, name, ranked.all(), retire);
        }
        failures.keySet().retainAll(wanted);
        return new Observation(members, all);
    }

    /** Creates the set's service, or scales it, in the background; a set whose spec is not known is left as it is. */
    private void act(ReplicaSetSpec set, String name, Service service) {
        if (set.spec() == null || busy.contains(name)) {
            return;
        }
        List<String> joins = networks.of(set.app()) == null ? null
                : networks.networksOf(set.app(), set.spec().wiring().networks());
        if (service == null) {
            if (joins == null) {
                return; // its networks are not there: startFailure says why
            }
            AppResources resources = networks.of(set.app());
            runAsync(name, () -> {
                swarm.create(SwarmServiceSpecs.of(runnerId, set, joins, files.mounts(set),
                        volumes.place(set.app(), set.spec(), resources)));
                LOG.info("Created Swarm service {} ({} replicas)", name, set.replicas());
                taskWatch.follow(name, set.replicas(), followLimit(set));
            });
            return;
        }
        long now = replicas(service);
        if (now != set.replicas()) {
            runAsync(name, () -> {
                // The same secrets and configs (named for their content): a scale must not replace the tasks.
                // The same mounts and the constraints it was made with (its volumes' node included): a scale
                // never moves a service, whatever the nodes' labels say now.
                com.github.dockerjava.api.model.ServiceSpec spec = SwarmServiceSpecs.of(runnerId, set, networksOf(service),
                        files.mounts(set), new SwarmVolumes.Placed(mountsOf(service), null));
                spec.getTaskTemplate().getPlacement().withConstraints(constraintsOf(service));
                // The manager pinned the image to its digest at creation: the same reference, or Swarm would
                // see a new task spec and replace every task instead of scaling.
                spec.getTaskTemplate().getContainerSpec().withImage(imageOf(service));
                swarm.update(service, spec);
                LOG.info("Scaled Swarm service {} from {} to {} replicas", name, now, set.replicas());
                taskWatch.follow(name, set.replicas(), followLimit(set));
                if (set.replicas() < now) {
                    followScaleDown(service.getId(), set.replicas());
                }
            });
        }
    }

    /** As long as a set's tasks take to start, or to stop after their grace period, here: then passes come by the period. */
    private static Duration followLimit(ReplicaSetSpec set) {
        return FOLLOW_TASKS.plus(set.spec().stopGrace());
    }

    /** Reports at once when the orchestrator has marked the tasks it takes away, so the router drops them. */
    private void followScaleDown(String serviceId, int replicas) {
        long deadline = System.currentTimeMillis() + FOLLOW_SCALE_DOWN_MILLIS;
        try {
            while (System.currentTimeMillis() < deadline) {
                long wanted = swarm.tasks(List.of(serviceId)).stream().filter(Task::desiredRunning).count();
                if (wanted <= replicas) {
                    return;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Following the scale-down of {}: {}", serviceId, e.getMessage());
        }
    }

    private void removeAsync(Service service, String name, List<Replica> replicas, Retirement retire) {
        if (busy.contains(name)) {
            return;
        }
        runAsync(name, () -> {
            // Out of traffic and drained first, all at once; then Swarm stops them with their grace period.
            replicas.stream().filter(r -> r.state() == Replica.State.RUNNING)
                    .map(r -> java.util.concurrent.CompletableFuture.runAsync(() -> retire.drain(r)))
                    .toList().forEach(java.util.concurrent.CompletableFuture::join);
            swarm.remove(service.getId());
            LOG.info("Removed Swarm service {}", name);
        });
    }

    private void runAsync(String name, Runnable op) {
        if (!busy.add(name)) {
            return;
        }
        workers.execute(() -> {
            try {
                op.run();
                failures.remove(name);
            } catch (RuntimeException e) {
                failures.put(name, e.getMessage());
                LOG.warn("{}", e.getMessage());
            } finally {
                busy.remove(name);
                changeListeners.forEach(Runnable::run);
            }
        });
    }

    /** The latest reason a task of the service failed or waits (no suitable node, image not found), if any. */
    private void noteFailure(String name, List<Task> tasks) {
        tasks.stream().filter(t -> !t.error().isBlank() && (t.desiredRunning() || !t.alive()))
                .max(Comparator.comparing(Task::createdAt))
                .ifPresent(t -> failures.put(name, "task " + t.state() + ": " + t.error()));
        boolean allRunning = !tasks.isEmpty() && tasks.stream().filter(Task::desiredRunning)
                .allMatch(t -> "running".equals(t.state()));
        if (allRunning) {
            failures.remove(name);
        }
    }

    /** A set's tasks as replicas: the members (wanted, on a node that is up) ranked by slot, then the rest. */
    private record Ranked(List<Replica> members, List<Replica> all) {
    }

    private Ranked rank(String app, String service, int revision, List<Task> tasks, Map<String, SwarmClient.Node> nodes,
                        boolean hasHealthcheck) {
        Map<Integer, Task> bySlot = new HashMap<>();
        List<Task> leaving = new ArrayList<>();
        for (Task t : tasks) {
            SwarmClient.Node node = nodes.get(t.nodeId());
            boolean nodeDown = node != null && !node.ready();
            if (t.desiredRunning() && !nodeDown) {
                bySlot.merge(t.slot(), t, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
            } else if (t.alive() && !nodeDown) {
                leaving.add(t);
            }
        }
        List<Task> ordered = new ArrayList<>(bySlot.values());
        ordered.sort(Comparator.comparingInt(Task::slot));
        leaving.sort(Comparator.comparingInt(Task::slot));
        List<Replica> members = new ArrayList<>();
        List<Replica> all = new ArrayList<>();
        int index = 0;
        for (Task t : ordered) {
            Replica r = replica(app, service, revision, ++index, t, nodes.get(t.nodeId()), hasHealthcheck);
            members.add(r);
            all.add(r);
        }
        for (Task t : leaving) {
            all.add(replica(app, service, revision, ++index, t, nodes.get(t.nodeId()), hasHealthcheck));
        }
        return new Ranked(members, all);
    }

    /** A task's state ({@code Status.State}, lower case) as a replica's lifecycle. */
    static Replica.State stateOf(String taskState) {
        return switch (taskState) {
            case "running", "starting" -> Replica.State.RUNNING;
            case "new", "allocated", "pending", "assigned", "accepted", "preparing", "ready" -> Replica.State.CREATED;
            case "complete", "shutdown", "failed", "rejected", "orphaned", "remove" -> Replica.State.EXITED;
            default -> Replica.State.OTHER;
        };
    }

    /**
     * The engine's health verdict on a task. With a health check, Swarm holds a task in "starting" until the check
     * first passes, and a running task passed it. Without one, "starting" only means the node has not yet reported
     * the started container (and its published port) to the manager: no verdict, the runner's own probe decides.
     */
    static Replica.Health healthOf(String taskState, boolean hasHealthcheck) {
        if (!hasHealthcheck) {
            return Replica.Health.NONE;
        }
        return switch (taskState) {
            case "running" -> Replica.Health.HEALTHY;
            case "starting" -> Replica.Health.STARTING;
            default -> Replica.Health.NONE;
        };
    }

    private Replica replica(String app, String service, int revision, int index, Task t, SwarmClient.Node node,
                            boolean hasHealthcheck) {
        Map<String, String> labels = new LinkedHashMap<>(SwarmServiceSpecs.labels(runnerId, app, service, revision));
        labels.put(Labels.REPLICA, String.valueOf(index));
        Replica.State state = stateOf(t.state());
        Replica.Health health = healthOf(t.state(), hasHealthcheck);
        Map<Integer, Endpoint> endpoints = new HashMap<>();
        if (node != null && node.address() != null && !node.address().isBlank()) {
            t.ports().forEach((target, published) -> endpoints.put(target, new Endpoint(node.address(), published)));
        }
        String nodeName = node == null ? "" : node.hostname();
        String name = SwarmServiceSpecs.name(runnerId, app, service, revision) + "." + t.slot();
        return new Replica(t.id(), name, labels, state, t.exitCode(), health, nodeName, endpoints);
    }

    private static String imageOf(Service s) {
        return s.getSpec().getTaskTemplate().getContainerSpec().getImage();
    }

    /** The networks a service joined when it was made: a scale must not move it to others. */
    private static List<String> networksOf(Service s) {
        var task = s.getSpec().getTaskTemplate();
        List<com.github.dockerjava.api.model.NetworkAttachmentConfig> attached =
                task == null || task.getNetworks() == null ? s.getSpec().getNetworks() : task.getNetworks();
        return attached == null ? List.of() : attached.stream()
                .map(com.github.dockerjava.api.model.NetworkAttachmentConfig::getTarget).toList();
    }

    private static List<com.github.dockerjava.api.model.Mount> mountsOf(Service s) {
        var container = s.getSpec().getTaskTemplate().getContainerSpec();
        return container.getMounts() == null ? List.of() : container.getMounts();
    }

    private static List<String> constraintsOf(Service s) {
        var task = s.getSpec().getTaskTemplate();
        return task == null || task.getPlacement() == null || task.getPlacement().getConstraints() == null ? List.of()
                : task.getPlacement().getConstraints();
    }

    private static long replicas(Service s) {
        var mode = s.getSpec().getMode();
        return mode == null || mode.getReplicated() == null ? 0 : mode.getReplicated().getReplicas();
    }

    private static int parse(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        taskWatch.close();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        swarm.close();
    }
}
