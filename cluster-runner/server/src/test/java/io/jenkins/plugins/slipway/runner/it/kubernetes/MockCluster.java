package io.jenkins.plugins.slipway.runner.it.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A Kubernetes API server for the ITs: fabric8's mock in CRUD mode (it stores, lists, watches and patches objects
 * but runs no controller), every write checked by {@link CheckingDispatcher}, plus what the mock lacks, played by
 * this class: the ReplicaSet controller (a Deployment's pods, created and removed to match {@code replicas},
 * lowest {@code pod-deletion-cost} first), the garbage collector (pods of a deleted Deployment go) and the kubelet
 * (each pod gets its own address in 127.0.0.0/8 with a real HTTP backend on its container ports, and readiness
 * from its httpGet probe, run for real against that backend). An image with {@code crash} in its name never
 * starts: its pod waits in CrashLoopBackOff.
 * <p>
 * The controllers react to watch events, as the real ones do; the kubelet probes on each probe's period.
 */
final class MockCluster extends ItCluster {
    static final String NAMESPACE = "slipway-it";
    /** Pods' addresses: 127.77.x.y. */
    private static final String POD_NET = "127.77.";
    private static final String[] NODES = {"node-a", "node-b", "node-c"};

    final CheckingDispatcher dispatcher = new CheckingDispatcher();
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;
    private final ExecutorService controllerThread = Executors.newSingleThreadExecutor(r -> daemon(r, "mock-controllers"));
    private final ScheduledExecutorService kubelet = Executors.newScheduledThreadPool(2, r -> daemon(r, "mock-kubelet"));
    private final ExecutorService backendThreads = Executors.newFixedThreadPool(16, r -> daemon(r, "mock-pod"));
    private final HttpClient probeClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, PodBackend> backends = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> probes = new ConcurrentHashMap<>();
    private final AtomicInteger nextAddress = new AtomicInteger();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    private MockCluster(Path dir) throws IOException {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "http://127.0.0.1:%d"}
                users:
                  - name: it
                    user: {token: it-token-not-a-secret}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: it, namespace: %s}
                current-context: mock
                """.formatted(server.getPort(), NAMESPACE));
        ResourceEventHandler<Object> wake = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                reconcileSoon();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                reconcileSoon();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                reconcileSoon();
            }
        };
        informers.add(client.apps().deployments().inNamespace(NAMESPACE).inform(wake, 0));
        informers.add(client.pods().inNamespace(NAMESPACE).inform(wake, 0));
    }

    static MockCluster start(Path dir) throws IOException {
        return new MockCluster(dir);
    }

    /** A kubeconfig whose current context is this server and {@link #NAMESPACE}. */
    @Override
    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    KubernetesClient client() {
        return client;
    }

    @Override
    String namespace() {
        return NAMESPACE;
    }

    @Override
    String image(String version) {
        return "web:" + version;
    }

    @Override
    List<String> problems() {
        return dispatcher.problems;
    }

    @Override
    OptionalInt writes(String methodAndResource) {
        return OptionalInt.of(dispatcher.writes(methodAndResource));
    }

    private void reconcileSoon() {
        if (queued.compareAndSet(false, true)) {
            controllerThread.execute(() -> {
                queued.set(false);
                try {
                    reconcile();
                } catch (RuntimeException e) {
                    System.err.println("mock controllers: " + e);
                    kubelet.schedule(this::reconcileSoon, 200, TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    /** The ReplicaSet controller and the garbage collector, in one pass over what the server holds now. */
    private void reconcile() {
        List<Deployment> deployments = deployments();
        List<Pod> pods = pods();
        Set<String> owners = deployments.stream().map(d -> d.getMetadata().getUid()).collect(Collectors.toSet());
        for (Deployment d : deployments) {
            List<Pod> owned = pods.stream().filter(p -> ownerOf(p).equals(d.getMetadata().getUid())).toList();
            int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            for (int i = owned.size(); i < want; i++) {
                createPod(d);
            }
            if (owned.size() > want) {
                owned.stream()
                        .sorted(Comparator.comparingLong(MockCluster::deletionCost)
                                .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()))
                        .limit(owned.size() - want)
                        .forEach(this::deletePod);
            }
        }
        for (Pod p : pods) {
            if (!owners.contains(ownerOf(p))) {
                deletePod(p);
            }
        }
    }

    private static String ownerOf(Pod p) {
        return p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty() ? ""
                : p.getMetadata().getOwnerReferences().get(0).getUid();
    }

    private static long deletionCost(Pod p) {
        Map<String, String> a = p.getMetadata().getAnnotations();
        String cost = a == null ? null : a.get("controller.kubernetes.io/pod-deletion-cost");
        return cost == null ? 0 : Long.parseLong(cost);
    }

    private void createPod(Deployment d) {
        int n = nextAddress.incrementAndGet();
        String ip = POD_NET + (n / 250) + "." + (n % 250 + 1);
        String name = d.getMetadata().getName() + "-" + suffix();
        PodSpec spec = Serialization.clone(d.getSpec().getTemplate().getSpec());
        spec.setNodeName(NODES[n % NODES.length]);
        Container c = spec.getContainers().get(0);
        boolean crashes = c.getImage().contains("crash");
        Probe probe = c.getReadinessProbe();
        String now = Instant.now().toString();
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                    .withName(name).withNamespace(NAMESPACE)
                    .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                    .withAnnotations(d.getSpec().getTemplate().getMetadata().getAnnotations())
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                            .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(spec)
                .withNewStatus()
                    .withPhase("Running").withPodIP(ip).withHostIP("10.0.0." + (n % NODES.length + 1))
                    .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                            new PodConditionBuilder().withType("Ready").withStatus("False")
                                    .withReason("ContainersNotReady").withLastTransitionTime(now).build())
                    .withContainerStatuses(crashes
                            ? new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                                    .withReady(false).withStarted(false).withRestartCount(1)
                                    .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                                    .withMessage("back-off 10s restarting failed container").endWaiting().endState()
                                    .build()
                            : new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                                    .withReady(false).withStarted(true).withRestartCount(0)
                                    .withNewState().withNewRunning().withStartedAt(now).endRunning().endState()
                                    .build())
                .endStatus();
        if (!crashes) {
            List<Integer> ports = c.getPorts() == null ? List.of()
                    : c.getPorts().stream().map(ContainerPort::getContainerPort).toList();
            String healthPath = probe != null && probe.getHttpGet() != null ? probe.getHttpGet().getPath() : "/health";
            try {
                backends.put(name, new PodBackend(ip, ports, c.getImage(), healthPath, backendThreads));
            } catch (IOException e) {
                throw new IllegalStateException("cannot bind the backend of pod " + name + " on " + ip, e);
            }
        }
        client.pods().inNamespace(NAMESPACE).resource(pod.build()).create();
        if (!crashes) {
            startProbing(name, ip, probe);
        }
    }

    /** The kubelet's readiness probe: an httpGet run for real; exec probes and no probe count as passing. */
    private void startProbing(String name, String ip, Probe probe) {
        if (probe == null || probe.getHttpGet() == null) {
            setReady(name, true);
            return;
        }
        URI uri = URI.create("http://" + ip + ":" + probe.getHttpGet().getPort().getIntVal() + probe.getHttpGet().getPath());
        long period = Math.max(1, probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds());
        Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        AtomicBoolean last = new AtomicBoolean(false);
        probes.put(name, kubelet.scheduleWithFixedDelay(() -> {
            boolean ok;
            try {
                HttpResponse<Void> rsp = probeClient.send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
                        HttpResponse.BodyHandlers.discarding());
                ok = rsp.statusCode() >= 200 && rsp.statusCode() < 400;
            } catch (IOException e) {
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (last.getAndSet(ok) != ok) {
                setReady(name, ok);
            }
        }, 0, period, TimeUnit.SECONDS));
    }

    /**
     * Writes the pod's readiness as the kubelet does: with the resourceVersion read, again on a conflict (the
     * runner may have labelled the pod in between).
     */
    private void setReady(String name, boolean ready) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(NAMESPACE).withName(name).edit(p -> {
                    if (p.getStatus() == null) {
                        return p;
                    }
                    String now = Instant.now().toString();
                    return new PodBuilder(p).editStatus()
                            .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                                    new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                                            .withReason(ready ? null : "ContainersNotReady").withLastTransitionTime(now)
                                            .build())
                            .editFirstContainerStatus().withReady(ready).endContainerStatus()
                            .endStatus().build();
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 20) {
                    System.err.println("mock kubelet: pod " + name + " readiness not written: " + e.getMessage());
                    return;
                }
            }
        }
    }

    private void deletePod(Pod p) {
        String name = p.getMetadata().getName();
        ScheduledFuture<?> probe = probes.remove(name);
        if (probe != null) {
            probe.cancel(false);
        }
        PodBackend backend = backends.remove(name);
        if (backend != null) {
            backend.close();
        }
        client.pods().inNamespace(NAMESPACE).withName(name).delete();
    }

    private static String suffix() {
        String chars = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
        }
        return b.toString();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        controllerThread.shutdownNow();
        kubelet.shutdownNow();
        backends.values().forEach(PodBackend::close);
        backendThreads.shutdownNow();
        client.close();
        server.destroy();
    }
}
