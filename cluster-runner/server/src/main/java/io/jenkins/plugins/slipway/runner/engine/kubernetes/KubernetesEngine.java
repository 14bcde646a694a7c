package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.FileSizes;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.VolumeRemoval;
import io.jenkins.plugins.slipway.runner.traffic.TrafficRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica sets as Deployments in one namespace: each service at each revision is one Deployment (see
 * {@link DeploymentManifests}), whose pods Kubernetes schedules, restarts, reschedules and probes. What the engine
 * knows of the cluster comes from two informers (watches on the runner's Deployments and pods, by its runner-id
 * label), never from polling: a converge reads their caches, and every change they see wakes the reconciler.
 * <p>
 * Pods have no numbers of their own, and the release core speaks of replica 1..N: the engine labels each pod with
 * the lowest number free in its set ({@link Labels#REPLICA}), so the numbers survive a runner restart. To scale a
 * set down it drains the highest numbers first, marks them with the lowest {@code pod-deletion-cost} (so the
 * ReplicaSet controller removes those and not others), then lowers {@code replicas}. A set no longer wanted is
 * drained and its Deployment deleted; the garbage collector removes its ReplicaSet and pods.
 * <p>
 * Writes are creates and JSON merge patches; a patch of a Deployment carries the resourceVersion it was computed
 * from, so a patch made from a stale cache fails (409) and the next converge tries again. No server-side apply.
 */
public final class KubernetesEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEngine.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Below any cost a user would give: these pods go first. */
    private static final String RETIRING_COST = "-1000000";
    /** Waiting reasons that mean the pod will not start by itself soon. */
    private static final Set<String> START_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private final KubernetesClient client;
    private final String namespace;
    private final String runnerId;
    /** Where the values of the Secrets and ConfigMaps come from, when they are created. */
    private final FileValues values;
    private final ExternalObjects externalObjects;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Service> services;
    private final ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "slipway-kubernetes-op");
        t.setDaemon(true);
        return t;
    });
    /** Deployment names and pod uids with a write in progress. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Replica numbers written to pods (by uid) that the pod cache may not show yet. */
    private final Map<String, Integer> numbered = new ConcurrentHashMap<>();
    /** Why a Deployment could not be created lately, by Deployment name. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /**
     * The resourceVersion of each Deployment this engine last scaled or deleted: until the cache shows a newer
     * one, the cache is stale for it and the write is not repeated.
     */
    private final Map<String, String> writtenFrom = new ConcurrentHashMap<>();
    private final Set<String> warnedInternal = ConcurrentHashMap.newKeySet();
    /** Each app's networks and volumes as last prepared: the claims its pods mount. */
    private final Map<String, AppResources> prepared = new ConcurrentHashMap<>();
    /** Routes the services that ask for it through the user's Gateway ({@code trafficRouter: gateway-api}). */
    private final GatewayApiRouter gatewayApi;

    /** An engine for apps without secrets, or with inline configs only. */
    public KubernetesEngine(KubernetesClient client, String runnerId) {
        this(client, runnerId, FileValues.NONE);
    }

    /**
     * Starts the informers and waits until their caches hold what the cluster has (so a restarted runner adopts its
     * Deployments and pods before its first converge).
     *
     * @param client   a client whose namespace is the one the runner works in
     * @param runnerId the id this runner's objects carry; another runner's objects are never touched
     * @param values   the values of the apps' secrets and configs (the runner's store)
     * @throws EngineException when the cluster cannot be read
     */
    public KubernetesEngine(KubernetesClient client, String runnerId, FileValues values) {
        this.client = client;
        this.values = values;
        this.namespace = client.getNamespace();
        this.runnerId = runnerId;
        this.gatewayApi = new GatewayApiRouter(client, namespace, runnerId);
        this.externalObjects = new ExternalObjects(client, namespace);
        ResourceEventHandler<HasMetadata> wake = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                changed();
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                changed();
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                changed();
            }
        };
        try {
            this.deployments = client.apps().deployments().inNamespace(namespace)
                    .withLabel(Labels.RUNNER, runnerId).inform(wake, 0);
            this.pods = client.pods().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId).inform(wake, 0);
            this.services = client.services().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId)
                    .inform(wake, 0);
        } catch (KubernetesClientException e) {
            throw new EngineException("cannot watch Deployments, pods and Services in namespace " + namespace + " of "
                    + client.getMasterUrl() + ": " + e.getMessage(), e);
        }
        removeUnmountedFiles();
    }

    /**
     * Deletes the Secrets and ConfigMaps of this runner whose Deployment is gone: a runner stopped between deleting
     * a Deployment and its files leaves them behind. Run once, before the first converge, so no create of this
     * process is in flight; one whose Deployment was never created is made again when the set is.
     */
    private void removeUnmountedFiles() {
        Set<String> live = new HashSet<>();
        deployments.getStore().list().forEach(d -> live.add(d.getMetadata().getName()));
        try {
            for (Secret secret : client.secrets().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId).list()
                    .getItems()) {
                String name = secret.getMetadata().getName();
                if (!live.contains(name)) {
                    client.secrets().inNamespace(namespace).withName(name).delete();
                    LOG.info("Deleted Secret {}: its Deployment is gone", name);
                }
            }
            for (ConfigMap map : client.configMaps().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId).list()
                    .getItems()) {
                String name = map.getMetadata().getName();
                if (!live.contains(name)) {
                    client.configMaps().inNamespace(namespace).withName(name).delete();
                    LOG.info("Deleted ConfigMap {}: its Deployment is gone", name);
                }
            }
        } catch (KubernetesClientException e) {
            // Not a reason to stay down: they are deleted with the app at the latest.
            LOG.warn("Could not remove the Secrets and ConfigMaps of Deployments that are gone in namespace {}: {}",
                    namespace, e.getMessage());
        }
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    /**
     * Kubernetes restarts containers, reschedules pods off lost nodes, runs the probes and places pods on nodes; a
     * service may send its traffic through a Gateway ({@link GatewayApiRouter}).
     */
    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, true, true, true);
    }

    /**
     * The router of the services whose traffic a Gateway carries ({@code x-slipway.kubernetes.trafficRouter:
     * gateway-api}), in this engine's namespace and with its runner id.
     */
    public TrafficRouter gatewayApiRouter() {
        return gatewayApi;
    }

    /** None yet: pods' use is in the metrics API (metrics.k8s.io, metrics-server), which this engine does not read. */
    @Override
    public ReplicaStats stats() {
        throw new EngineException("the kubernetes engine does not report its replicas' CPU and memory use: it does"
                + " not read the metrics API (metrics.k8s.io) yet", null);
    }

    /** The namespace the runner's objects live in. */
    public String namespace() {
        return namespace;
    }

    /** The container settings a pod has no field for ({@link PodSettings#unsupported}) and internal networks. */
    @Override
    public List<String> notApplied(AppSpec spec) {
        List<String> out = new ArrayList<>();
        spec.services().values().forEach(s -> PodSettings.unsupported(s.settings()).forEach(key -> out.add(
                "services." + s.name() + "." + key + ": not applied: a Kubernetes pod has no counterpart")));
        spec.resources().networks().forEach((key, n) -> {
            if (n.internal()) {
                out.add("networks." + key + ".internal: not applied: on Kubernetes the app's pods can reach and be"
                        + " reached by the namespace (no NetworkPolicy is written)");
            }
        });
        return out;
    }

    /** What of each service has no Kubernetes counterpart here ({@link DeploymentManifests#refusals}). */
    @Override
    public List<ApiError.Problem> refusals(AppSpec spec) {
        List<ApiError.Problem> out = new ArrayList<>();
        spec.services().values().forEach(s -> out.addAll(DeploymentManifests.refusals(s)));
        out.addAll(externalObjects.problems(spec));
        return out;
    }

    /** As above, and services whose secrets or configs would not fit one Secret or ConfigMap. */
    @Override
    public List<ApiError.Problem> refusals(AppSpec spec, FileSizes sizes) {
        List<ApiError.Problem> out = new ArrayList<>(refusals(spec));
        spec.services().values().forEach(s -> out.addAll(MountedFiles.sizeProblems(s, sizes)));
        return out;
    }

    /** Services that write to a claim this engine makes ({@link AppVolumes#oneReplicaOnly}). */
    @Override
    public Map<String, String> oneReplicaOnly(AppSpec spec) {
        return AppVolumes.oneReplicaOnly(spec);
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    /**
     * Creates the claims of the app's named volumes that do not exist yet. Networks need nothing: pods of a
     * namespace reach each other; an {@code internal} network would need a NetworkPolicy, which this engine does
     * not write, and says so once.
     */
    @Override
    public void prepare(String app, AppResources resources) {
        prepared.put(app, resources);
        resources.networks().forEach((key, n) -> {
            if (n.internal() && warnedInternal.add(app + "/" + key)) {
                LOG.warn("App {}: network {} is internal, but on Kubernetes its pods can reach and be reached by"
                        + " the namespace (no NetworkPolicy is written)", app, key);
            }
        });
        for (Map.Entry<String, AppResources.Volume> e : resources.volumes().entrySet()) {
            AppResources.Volume v = e.getValue();
            String claim = AppVolumes.claimName(app, e.getKey(), v, runnerId);
            try {
                boolean exists = client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get() != null;
                if (v.external() && !exists) {
                    throw new EngineException("external volume " + e.getKey() + " of app " + app
                            + ": no PersistentVolumeClaim " + claim + " in namespace " + namespace, null);
                }
                if (!exists) {
                    client.persistentVolumeClaims().inNamespace(namespace)
                            .resource(AppVolumes.claim(app, e.getKey(), v, runnerId, namespace)).create();
                    LOG.info("Created PersistentVolumeClaim {} for volume {} of app {}", claim, e.getKey(), app);
                }
            } catch (KubernetesClientException ex) {
                if (ex.getCode() != 409) {
                    throw new EngineException("volume " + e.getKey() + " of app " + app + ": " + ex.getMessage(), ex);
                }
            }
        }
    }

    @Override
    public VolumeRemoval removeApp(String app, boolean volumes, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (pods.getStore().list().stream().anyMatch(p -> app.equals(p.getMetadata().getLabels().get(Labels.APP)))) {
            if (System.nanoTime() - deadline > 0) {
                throw new EngineException("pods of app " + app + " are still there after " + wait.toSeconds() + " s",
                        null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("interrupted while waiting for the pods of app " + app + " to go", e);
            }
        }
        try {
            // Normally gone already (the routes go first when an app is deleted); left by a runner stopped between.
            gatewayApi.removeApp(app);
        } catch (KubernetesClientException e) {
            LOG.warn("Removing the HTTPRoutes of app {}: {}", app, e.getMessage());
        }
        try {
            // One by one, by name: the Role grants delete, not deletecollection.
            for (Service svc : client.services().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId)
                    .withLabel(Labels.APP, app).list().getItems()) {
                client.services().inNamespace(namespace).withName(svc.getMetadata().getName()).delete();
            }
        } catch (KubernetesClientException e) {
            throw new EngineException("removing the Services of app " + app + ": " + e.getMessage(), e);
        }
        try {
            // Those of Deployments deleted already go with them; these are left by a runner stopped in between.
            for (Secret secret : client.secrets().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId)
                    .withLabel(Labels.APP, app).list().getItems()) {
                client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).delete();
            }
            for (ConfigMap map : client.configMaps().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId)
                    .withLabel(Labels.APP, app).list().getItems()) {
                client.configMaps().inNamespace(namespace).withName(map.getMetadata().getName()).delete();
            }
        } catch (KubernetesClientException e) {
            throw new EngineException("removing the Secrets and ConfigMaps of app " + app + ": " + e.getMessage(), e);
        }
        if (!volumes) {
            return VolumeRemoval.none();
        }
        List<String> removed = volumes(app);
        try {
            for (String claim : removed) {
                client.persistentVolumeClaims().inNamespace(namespace).withName(claim).delete();
            }
        } catch (KubernetesClientException e) {
            throw new EngineException("removing the volumes of app " + app + ": " + e.getMessage(), e);
        }
        return VolumeRemoval.of(removed);
    }

    /** The claims this runner made for the app (by label; external claims carry none of the runner's). */
    @Override
    public List<String> volumes(String app) {
        try {
            return client.persistentVolumeClaims().inNamespace(namespace).withLabel(Labels.RUNNER, runnerId)
                    .withLabel(Labels.APP, app).list().getItems().stream()
                    .map(c -> c.getMetadata().getName()).sorted().toList();
        } catch (KubernetesClientException e) {
            throw new EngineException("listing the volumes of app " + app + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String startFailure(String app, String service, int revision, int index) {
        String failure = failures.get(KubernetesNames.deployment(app, service, revision, runnerId));
        if (failure != null) {
            return failure;
        }
        for (Pod pod : pods.getStore().list()) {
            Replica r = PodReplicas.of(pod, numberOf(pod));
            if (app.equals(r.app()) && service.equals(r.service()) && r.revision() == revision && r.index() == index) {
                return waitingProblem(pod);
            }
        }
        return null;
    }

    private static String waitingProblem(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return pod.getStatus() == null ? null : unschedulable(pod);
        }
        for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
            if (s.getState() != null && s.getState().getWaiting() != null
                    && START_FAILURES.contains(s.getState().getWaiting().getReason())) {
                String message = s.getState().getWaiting().getMessage();
                return s.getState().getWaiting().getReason() + (message == null ? "" : ": " + message);
            }
        }
        return unschedulable(pod);
    }

    private static String unschedulable(Pod pod) {
        if (pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .map(c -> "not scheduled: " + c.getMessage()).findFirst().orElse(null);
    }

    @Override
    public Observation converge(Map<String, List<ReplicaSetSpec>> desired, Retirement retire) {
        if (!deployments.hasSynced() || !pods.hasSynced() || !services.hasSynced()) {
            throw new EngineException("the watches of namespace " + namespace + " have not synced yet", null);
        }
        Map<String, Deployment> byName = new HashMap<>();
        for (Deployment d : deployments.getStore().list()) {
            byName.put(d.getMetadata().getName(), d);
        }
        Map<String, List<Pod>> podsBySet = new HashMap<>();
        for (Pod pod : pods.getStore().list()) {
            String set = setOf(pod);
            if (set != null) {
                podsBySet.computeIfAbsent(set, k -> new ArrayList<>()).add(pod);
            }
        }
        forgetNumbersShown(podsBySet);
        writtenFrom.keySet().retainAll(byName.keySet());
        Map<String, ReplicaSetSpec> wanted = new LinkedHashMap<>();
        desired.values().forEach(sets -> sets.forEach(s ->
                wanted.put(KubernetesNames.deployment(s.app(), s.service(), s.revision(), runnerId), s)));
        for (Map.Entry<String, ReplicaSetSpec> e : wanted.entrySet()) {
            List<Pod> setPods = podsBySet.getOrDefault(e.getKey(), List.of());
            number(setPods);
            converge(e.getKey(), e.getValue(), byName.get(e.getKey()), setPods, retire);
        }
        for (Deployment d : byName.values()) {
            String name = d.getMetadata().getName();
            if (!wanted.containsKey(name)) {
                removeAsync(d, podsBySet.getOrDefault(name, List.of()), retire);
            }
        }
        removeUnusedServices(desired.keySet(), wanted.values(), byName.values());
        return observation(wanted, podsBySet);
    }

    /** The Deployment a pod of this runner belongs to, by its labels (null for a pod not made by this engine). */
    private String setOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (labels == null || annotations == null) {
            return null;
        }
        String app = labels.get(Labels.APP);
        String service = annotations.get(Labels.SERVICE);
        String revision = labels.get(Labels.REVISION);
        if (app == null || service == null || revision == null || !revision.matches("[0-9]{1,9}")) {
            return null;
        }
        return KubernetesNames.deployment(app, service, Integer.parseInt(revision), runnerId);
    }

    private void converge(String name, ReplicaSetSpec set, Deployment d, List<Pod> setPods, Retirement retire) {
        if (set.spec() == null) {
            return; // the revision's spec is unknown: what runs is kept as it is
        }
        if (d == null) {
            if (set.replicas() > 0) {
                createAsync(name, set);
            }
            return;
        }
        int have = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        if (have != set.replicas() && d.getMetadata().getDeletionTimestamp() == null && !written(d)) {
            scaleAsync(d, set.replicas(), setPods, retire);
        }
    }

    private void createAsync(String name, ReplicaSetSpec set) {
        run(name, () -> {
            Deployment d;
            try {
                d = DeploymentManifests.of(runnerId, namespace, set, prepared.get(set.app()), externalObjects.keys());
            } catch (IllegalArgumentException e) {
                failures.put(name, e.getMessage());
                throw e;
            }
            try {
                createFiles(name, set);
            } catch (EngineException e) {
                failures.put(name, e.getMessage());
                throw e;
            } catch (KubernetesClientException e) {
                failures.put(name, "the Secret or ConfigMap " + name + " was refused: " + e.getMessage());
                throw e;
            }
            if (!set.spec().ports().isEmpty()) {
                try {
                    ensureService(set);
                } catch (IllegalStateException e) {
                    failures.put(name, e.getMessage());
                    throw e;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                        return; // created or changed by an earlier pass the cache did not show yet: next pass
                    }
                    failures.put(name, "Service " + ServiceManifests.name(set.service()) + " refused: "
                            + e.getMessage());
                    throw e;
                }
            }
            try {
                client.apps().deployments().inNamespace(namespace).resource(d).create();
                failures.remove(name);
                LOG.info("Created Deployment {} ({} of app {} at revision {}, {} replicas)", name, set.service(),
                        set.app(), set.revision(), set.replicas());
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return; // created by an earlier pass the cache did not show yet
                }
                failures.put(name, "Deployment " + name + " refused: " + e.getMessage());
                throw e;
            }
        });
    }

    /**
     * Creates the set's Secret and ConfigMap ({@link MountedFiles}) unless they exist: those of a revision never
     * change, so one made by an earlier pass is the one wanted. Before the Deployment, so that its pods find them.
     */
    private void createFiles(String name, ReplicaSetSpec set) {
        Secret secret = MountedFiles.secret(runnerId, namespace, set, values);
        if (secret != null && client.secrets().inNamespace(namespace).withName(name).get() == null) {
            createUnlessThere(() -> client.secrets().inNamespace(namespace).resource(secret).create());
            LOG.info("Created Secret {} ({} of app {} at revision {}: {})", name, set.service(), set.app(),
                    set.revision(), secret.getData().keySet());
        }
        ConfigMap map = MountedFiles.configMap(runnerId, namespace, set, values);
        if (map != null && client.configMaps().inNamespace(namespace).withName(name).get() == null) {
            createUnlessThere(() -> client.configMaps().inNamespace(namespace).resource(map).create());
            LOG.info("Created ConfigMap {} ({} of app {} at revision {})", name, set.service(), set.app(),
                    set.revision());
        }
    }

    /** Runs a create; one that finds the object there already (a pass the cache did not show yet) is done. */
    private static void createUnlessThere(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * Creates the service's Service, or adds the set's ports to it (ports stay until the service goes). A Service
     * of that name that is not this app's service is left alone and the set is not created: the name is the
     * namespace's.
     */
    private void ensureService(ReplicaSetSpec set) {
        String name = ServiceManifests.name(set.service());
        Service existing = client.services().inNamespace(namespace).withName(name).get();
        if (existing == null) {
            client.services().inNamespace(namespace)
                    .resource(ServiceManifests.of(runnerId, namespace, set.app(), set.service(), set.spec().ports()))
                    .create();
            LOG.info("Created Service {} ({} of app {}, ports {})", name, set.service(), set.app(),
                    set.spec().ports());
            return;
        }
        if (!ServiceManifests.owned(existing, runnerId, set.app(), set.service())) {
            Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of()
                    : existing.getMetadata().getLabels();
            throw new IllegalStateException("Service " + name + " in namespace " + namespace + " is not service "
                    + set.service() + " of app " + set.app() + " (it belongs to " + labels.getOrDefault(Labels.APP,
                    "no Slipway app") + "): a Service name is the namespace's, so two apps of one namespace cannot"
                    + " both have a service named " + set.service() + "; rename one, or run each app with a runner"
                    + " of its own namespace");
        }
        TreeSet<Integer> ports = ServiceManifests.portsOf(existing);
        if (!ports.containsAll(set.spec().ports())) {
            ports.addAll(set.spec().ports());
            client.services().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                    json(Map.of("metadata", Map.of("resourceVersion", existing.getMetadata().getResourceVersion()),
                            "spec", Map.of("ports", ServiceManifests.ports(ports)))));
            LOG.info("Service {} now has ports {}", name, ports);
        }
    }

    /**
     * Deletes the Services of services that no set wants and no Deployment of this runner runs any more. A revision
     * Service of an app that still exists is the {@link GatewayApiRouter}'s, which removes it once its revision has
     * left the HTTPRoute: the sets a pass read may predate the release that has just made it (the router writes
     * from the release's pass, before the release is saved), and deleting it here would leave the route naming a
     * Service that is gone. Those of an app deleted while no runner ran are deleted here.
     */
    private void removeUnusedServices(Set<String> apps, Collection<ReplicaSetSpec> wanted,
                                      Collection<Deployment> existing) {
        Set<String> used = new HashSet<>();
        wanted.forEach(s -> used.add(s.app() + "/" + s.service()));
        for (Deployment d : existing) {
            Map<String, String> annotations = d.getMetadata().getAnnotations();
            used.add(d.getMetadata().getLabels().get(Labels.APP) + "/"
                    + (annotations == null ? null : annotations.get(Labels.SERVICE)));
        }
        for (Service svc : services.getStore().list()) {
            Map<String, String> annotations = svc.getMetadata().getAnnotations();
            String app = svc.getMetadata().getLabels().get(Labels.APP);
            String service = annotations == null ? null : annotations.get(Labels.SERVICE);
            String traffic = svc.getMetadata().getLabels().get(HttpRouteManifests.TRAFFIC);
            if (HttpRouteManifests.GATEWAY_API.equals(traffic) && apps.contains(app)) {
                continue;
            }
            if (svc.getMetadata().getDeletionTimestamp() == null && !used.contains(app + "/" + service)) {
                String name = svc.getMetadata().getName();
                run("Service/" + name, () -> {
                    client.services().inNamespace(namespace).withName(name).delete();
                    LOG.info("Deleted Service {} ({} of app {}: no revision runs it)", name, service, app);
                });
            }
        }
    }

    /**
     * Scales a set to {@code replicas}. Going down, the replicas with the highest numbers leave: drained first,
     * then marked so that the ReplicaSet controller removes exactly those.
     */
    private void scaleAsync(Deployment d, int replicas, List<Pod> setPods, Retirement retire) {
        String name = d.getMetadata().getName();
        List<Pod> live = setPods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        List<Pod> leaving = live.stream()
                .sorted(Comparator.comparing((Pod p) -> numberOf(p) == null ? Integer.MAX_VALUE : numberOf(p))
                        .reversed())
                .limit(Math.max(0, live.size() - replicas)).toList();
        run(name, () -> {
            for (Pod pod : leaving) {
                retire.drain(PodReplicas.of(pod, numberOf(pod)));
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), json(Map.of("metadata", Map.of("annotations",
                                Map.of(DeploymentManifests.DELETION_COST, RETIRING_COST)))));
            }
            client.apps().deployments().inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), json(Map.of(
                            "metadata", Map.of("resourceVersion", d.getMetadata().getResourceVersion()),
                            "spec", Map.of("replicas", replicas))));
            writtenFrom.put(name, d.getMetadata().getResourceVersion());
            LOG.info("Scaled Deployment {} to {} replicas", name, replicas);
        });
    }

    /** Drains the pods of a set no longer wanted, then deletes its Deployment (the GC takes the rest). */
    private void removeAsync(Deployment d, List<Pod> setPods, Retirement retire) {
        String name = d.getMetadata().getName();
        if (d.getMetadata().getDeletionTimestamp() != null || written(d)) {
            return;
        }
        run(name, () -> {
            for (Pod pod : setPods) {
                if (pod.getMetadata().getDeletionTimestamp() == null) {
                    // The pod's own terminationGracePeriodSeconds (stop_grace_period) bounds its stop.
                    retire.drain(PodReplicas.of(pod, numberOf(pod)));
                }
            }
            client.apps().deployments().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            failures.remove(name);
            writtenFrom.put(name, d.getMetadata().getResourceVersion());
            LOG.info("Deleted Deployment {}", name);
            if (MountedFiles.mountsFiles(d.getSpec().getTemplate().getSpec())) {
                // Pods still stopping keep the files they mounted; no new pod of this set will start.
                client.secrets().inNamespace(namespace).withName(name).delete();
                client.configMaps().inNamespace(namespace).withName(name).delete();
                LOG.info("Deleted the Secret and ConfigMap of {}", name);
            }
        });
    }

    /** Whether this engine already wrote the Deployment as the cache shows it (the cache has not caught up). */
    private boolean written(Deployment d) {
        return d.getMetadata().getResourceVersion() != null
                && d.getMetadata().getResourceVersion().equals(writtenFrom.get(d.getMetadata().getName()));
    }

    /** Gives each live pod of a set without a number the lowest number free in the set. */
    private void number(List<Pod> setPods) {
        Set<Integer> taken = new HashSet<>();
        List<Pod> unnumbered = new ArrayList<>();
        for (Pod pod : setPods) {
            Integer n = numberOf(pod);
            if (n != null) {
                taken.add(n);
            } else if (pod.getMetadata().getDeletionTimestamp() == null) {
                unnumbered.add(pod);
            }
        }
        unnumbered.sort(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                .thenComparing(p -> p.getMetadata().getName()));
        int next = 1;
        for (Pod pod : unnumbered) {
            while (taken.contains(next)) {
                next++;
            }
            int n = next;
            taken.add(n);
            String uid = PodReplicas.uid(pod);
            numbered.put(uid, n);
            // Only this runner writes the label and only here, once per pod: no resourceVersion, so that the
            // kubelet's status updates do not make it fail.
            boolean started = run(uid, () -> client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), json(Map.of("metadata", Map.of("labels",
                            Map.of(Labels.REPLICA, String.valueOf(n)))))), () -> numbered.remove(uid));
            if (!started) {
                numbered.remove(uid);
            }
        }
    }

    /** The replica number of a pod: its label, or the one being written. */
    private Integer numberOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String label = labels == null ? null : labels.get(Labels.REPLICA);
        if (label != null && label.matches("[0-9]{1,9}")) {
            return Integer.parseInt(label);
        }
        return numbered.get(PodReplicas.uid(pod));
    }

    /** Drops the numbers being written once the cache shows them, and those of pods that are gone. */
    private void forgetNumbersShown(Map<String, List<Pod>> podsBySet) {
        Set<String> pending = new HashSet<>();
        podsBySet.values().forEach(list -> list.forEach(p -> {
            Map<String, String> labels = p.getMetadata().getLabels();
            if (labels == null || !labels.containsKey(Labels.REPLICA)) {
                pending.add(PodReplicas.uid(p));
            }
        }));
        numbered.keySet().removeIf(uid -> !pending.contains(uid) && !busy.contains(uid));
    }

    private Observation observation(Map<String, ReplicaSetSpec> wanted, Map<String, List<Pod>> podsBySet) {
        Map<String, List<Replica>> members = new LinkedHashMap<>();
        Map<String, List<Replica>> all = new LinkedHashMap<>();
        Set<String> apps = new TreeSet<>();
        wanted.values().forEach(s -> apps.add(s.app()));
        for (Map.Entry<String, List<Pod>> e : podsBySet.entrySet()) {
            ReplicaSetSpec set = wanted.get(e.getKey());
            for (Pod pod : e.getValue()) {
                Replica r = PodReplicas.of(pod, numberOf(pod));
                apps.add(r.app());
                all.computeIfAbsent(r.app(), k -> new ArrayList<>()).add(r);
                boolean member = set != null && pod.getMetadata().getDeletionTimestamp() == null
                        && r.index() >= 1 && r.index() <= set.replicas();
                if (member) {
                    members.computeIfAbsent(r.app(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        for (String app : apps) {
            members.putIfAbsent(app, List.of());
            all.putIfAbsent(app, List.of());
        }
        return new Observation(members, all);
    }

    private boolean run(String key, Runnable write) {
        return run(key, write, () -> { });
    }

    /**
     * Runs a write in the background unless one on the same key is in progress; {@code onFailure} runs when it
     * fails. Answers whether it was started.
     */
    private boolean run(String key, Runnable write, Runnable onFailure) {
        if (!busy.add(key)) {
            return false;
        }
        workers.execute(() -> {
            try {
                write.run();
            } catch (RuntimeException e) {
                onFailure.run();
                LOG.warn("Writing {} in namespace {} failed: {}", key, namespace, e.getMessage());
            } finally {
                busy.remove(key);
                changed();
            }
        });
        return true;
    }

    private static String json(Object patch) {
        try {
            return JSON.writeValueAsString(patch);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        deployments.close();
        pods.close();
        services.close();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
