package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Deployment of one service at one revision. Its selector is the set's identity (runner, app, service,
 * revision), so the Deployments of two revisions never claim each other's pods; the pod template carries the
 * same labels plus the {@code app.kubernetes.io} ones. Kubernetes restarts the containers ({@code restart} in
 * Compose has no per-Deployment counterpart: a Deployment's pods always restart) and runs the probes.
 */
final class DeploymentManifests {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentManifests.class);
    /** The recommended labels, for kubectl, dashboards and policies. */
    static final String NAME = "app.kubernetes.io/name";
    static final String PART_OF = "app.kubernetes.io/part-of";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "slipway";
    /** Tells the ReplicaSet controller which pods to remove first when the runner scales a set down. */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private DeploymentManifests() {
    }

    /** The labels that select the set's pods. */
    static Map<String, String> selector(String runnerId, String app, String service, int revision) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(Labels.SERVICE, KubernetesNames.labelValue(service));
        labels.put(Labels.REVISION, String.valueOf(revision));
        return labels;
    }

    static Deployment of(String runnerId, String namespace, ReplicaSetSpec set) {
        return of(runnerId, namespace, set, null);
    }

    /**
     * @param resources the app's networks and volumes as last prepared (for the claims of named volumes); null
     *                  when not known
     * @throws IllegalArgumentException when the service cannot run on Kubernetes as written (the message says why)
     */
    static Deployment of(String runnerId, String namespace, ReplicaSetSpec set, AppResources resources) {
        return of(runnerId, namespace, set, resources, FileMount::source);
    }

    /**
     * @param externalKey which key of an external Secret or ConfigMap each such mount reads ({@link ExternalObjects})
     */
    static Deployment of(String runnerId, String namespace, ReplicaSetSpec set, AppResources resources,
                         Function<FileMount, String> externalKey) {
        ServiceSpec s = set.spec();
        Map<String, String> selector = selector(runnerId, set.app(), set.service(), set.revision());
        Map<String, String> labels = new LinkedHashMap<>();
        s.labels().forEach((k, v) -> {
            if (validLabel(k, v)) {
                labels.put(k, v);
            } else {
                LOG.warn("Service {} of app {}: label {} is not a valid Kubernetes label; its pods go without it",
                        set.service(), set.app(), k);
            }
        });
        labels.putAll(selector);
        labels.put(NAME, KubernetesNames.labelValue(set.service()));
        labels.put(PART_OF, set.app());
        labels.put(MANAGED_BY, MANAGER);
        Map<String, String> annotations = new TreeMap<>();
        // The service's name as written: the label value may have been made valid for Kubernetes.
        annotations.put(Labels.SERVICE, set.service());
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(KubernetesNames.deployment(set.app(), set.service(), set.revision(), runnerId))
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withReplicas(set.replicas())
                    .withRevisionHistoryLimit(0)
                    .withNewSelector().withMatchLabels(selector).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                        .withSpec(podSpec(runnerId, set, resources, externalKey))
                    .endTemplate()
                .endSpec()
                .build();
    }

    private static PodSpec podSpec(String runnerId, ReplicaSetSpec set, AppResources resources,
                                   Function<FileMount, String> externalKey) {
        ServiceSpec s = set.spec();
        List<String> unsupported = PodSettings.unsupported(s.settings());
        if (!unsupported.isEmpty()) {
            LOG.warn("Service {} of app {}: {} not applied on Kubernetes (no pod counterpart)", set.service(),
                    set.app(), unsupported);
        }
        PodSpecBuilder pod = new PodSpecBuilder()
                .withRestartPolicy("Always")
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds((long) seconds(s.stopGrace(), 0));
        ContainerBuilder c = container(s);
        List<ApiError.Problem> refused = refusals(s);
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(refused.stream().map(p -> p.path() + ": " + p.message())
                    .collect(Collectors.joining("; ")));
        }
        PodSettings.apply(set.app(), s, resources, runnerId, pod, c);
        MountedFiles.apply(KubernetesNames.deployment(set.app(), set.service(), set.revision(), runnerId), s, pod, c,
                externalKey);
        NodePlacement.apply("services." + set.service(), s.placement(),
                selector(runnerId, set.app(), set.service(), set.revision()), pod);
        return pod.withContainers(c.build()).build();
    }

    /**
     * What in the service the engine cannot write, by field path: its placement's problems
     * ({@link NodePlacement}), its pod settings' ({@link PodSettings}) and its secrets' and configs'
     * ({@link MountedFiles}).
     */
    static List<ApiError.Problem> refusals(ServiceSpec s) {
        List<ApiError.Problem> out = new ArrayList<>(NodePlacement.problems("services." + s.name(), s.placement()));
        out.addAll(PodSettings.problems(s));
        out.addAll(MountedFiles.problems(s));
        return out;
    }

    private static ContainerBuilder container(ServiceSpec s) {
        ContainerBuilder c = new ContainerBuilder()
                .withName(KubernetesNames.container(s.name()))
                .withImage(s.image());
        // Compose's entrypoint is Kubernetes' command; Compose's command is Kubernetes' args.
        if (s.entrypoint() != null) {
            c.withCommand(s.entrypoint());
        }
        if (s.command() != null) {
            c.withArgs(s.command());
        }
        c.withEnv(new TreeMap<>(s.environment()).entrySet().stream()
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList());
        c.withPorts(s.ports().stream()
                .map(p -> new ContainerPortBuilder().withName(KubernetesNames.port(p)).withContainerPort(p)
                        .withProtocol("TCP").build())
                .toList());
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (s.memoryBytes() > 0) {
            limits.put("memory", new Quantity(String.valueOf(s.memoryBytes())));
        }
        if (s.nanoCpus() > 0) {
            limits.put("cpu", new Quantity(Math.max(1, s.nanoCpus() / 1_000_000) + "m"));
        }
        Map<String, Quantity> requests = PodSettings.requests(s, limits);
        if (!limits.isEmpty() || !requests.isEmpty()) {
            c.withResources(new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build());
        }
        Probe readiness = readiness(s);
        if (readiness != null) {
            c.withReadinessProbe(readiness);
            c.withLivenessProbe(liveness(s, readiness));
        }
        return c;
    }

    /**
     * From the Compose health check when there is one ({@code CMD} and {@code CMD-SHELL} become an exec probe),
     * else from the route's health path (an HTTP GET on the target port); null when there is neither.
     */
    static Probe readiness(ServiceSpec s) {
        ServiceSpec.Healthcheck h = s.healthcheck();
        if (h != null) {
            List<String> command = command(h);
            if (command == null) {
                return null;
            }
            return new ProbeBuilder()
                    .withNewExec().withCommand(command).endExec()
                    .withPeriodSeconds(seconds(h.interval(), 1))
                    .withTimeoutSeconds(seconds(h.timeout(), 1))
                    .withFailureThreshold(Math.max(1, h.retries()))
                    .withSuccessThreshold(1)
                    .build();
        }
        if (s.route() != null) {
            return new ProbeBuilder()
                    .withNewHttpGet().withPath(s.route().healthPath())
                        .withPort(new IntOrString(s.route().targetPort())).withScheme("HTTP").endHttpGet()
                    .withPeriodSeconds(1)
                    .withTimeoutSeconds(seconds(s.route().healthTimeout(), 1))
                    .withFailureThreshold(3)
                    .withSuccessThreshold(1)
                    .build();
        }
        return null;
    }

    /**
     * The same check, patient: a replica failing it for three periods after the start period is restarted by the
     * kubelet, as Swarm replaces an unhealthy task.
     */
    private static Probe liveness(ServiceSpec s, Probe readiness) {
        Duration start = s.healthcheck() == null ? Duration.ZERO : s.healthcheck().startPeriod();
        return new ProbeBuilder(readiness)
                .withInitialDelaySeconds(seconds(start, 0))
                .withPeriodSeconds(Math.max(10, readiness.getPeriodSeconds()))
                .withFailureThreshold(Math.max(3, readiness.getFailureThreshold()))
                .build();
    }

    /** The probe command of a Compose test, or null for {@code NONE} / disabled. */
    private static List<String> command(ServiceSpec.Healthcheck h) {
        if (h.disabled() || h.test().isEmpty()) {
            return null;
        }
        String kind = h.test().get(0);
        List<String> rest = h.test().subList(1, h.test().size());
        return switch (kind) {
            case "CMD" -> List.copyOf(rest);
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", rest));
            case "NONE" -> null;
            default -> List.copyOf(h.test());
        };
    }

    private static int seconds(Duration d, int min) {
        long ceil = (d.toMillis() + 999) / 1000;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(min, ceil));
    }

    private static boolean validLabel(String key, String value) {
        return KubernetesValidation.labelKeyProblem(key) == null && KubernetesValidation.labelValueProblem(value) == null;
    }
}
