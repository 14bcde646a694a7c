package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A pod as the release core sees a replica: its pod IP and container ports are where the router reaches it. */
final class PodReplicas {
    private PodReplicas() {
    }

    /**
     * @param index the replica number the engine gave the pod (its {@link Labels#REPLICA} label, or one being
     *              written); null when it has none yet
     */
    static Replica of(Pod pod, Integer index) {
        Map<String, String> labels = new HashMap<>(pod.getMetadata().getLabels());
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String service = annotations == null ? null : annotations.get(Labels.SERVICE);
        if (service != null) {
            labels.put(Labels.SERVICE, service);
        }
        if (index != null) {
            labels.put(Labels.REPLICA, String.valueOf(index));
        }
        ContainerStatus status = containerStatus(pod);
        Replica.State state = state(pod, status);
        int exitCode = status != null && status.getState() != null && status.getState().getTerminated() != null
                ? status.getState().getTerminated().getExitCode() : 0;
        String node = pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
        return new Replica(uid(pod), pod.getMetadata().getName(), labels, state, exitCode, health(pod), node,
                endpoints(pod));
    }

    static String uid(Pod pod) {
        String uid = pod.getMetadata().getUid();
        return uid == null ? pod.getMetadata().getName() : uid;
    }

    private static ContainerStatus containerStatus(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        List<ContainerStatus> all = pod.getStatus().getContainerStatuses();
        return all.isEmpty() ? null : all.get(0);
    }

    private static Replica.State state(Pod pod, ContainerStatus status) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return Replica.State.OTHER;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return Replica.State.EXITED;
        }
        if (status == null || status.getState() == null) {
            return Replica.State.CREATED;
        }
        if (status.getState().getRunning() != null) {
            return Replica.State.RUNNING;
        }
        if (status.getState().getTerminated() != null) {
            return Replica.State.EXITED;
        }
        // Waiting: for its image at first, for its next restart after it exited (CrashLoopBackOff).
        boolean restarted = status.getRestartCount() != null && status.getRestartCount() > 0;
        return restarted ? Replica.State.EXITED : Replica.State.CREATED;
    }

    /** The kubelet's readiness verdict; NONE for a pod without a readiness probe. */
    private static Replica.Health health(Pod pod) {
        List<Container> containers = pod.getSpec().getContainers();
        boolean probed = containers != null && containers.stream().anyMatch(c -> c.getReadinessProbe() != null);
        if (!probed) {
            return Replica.Health.NONE;
        }
        List<PodCondition> conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? List.of() : pod.getStatus().getConditions();
        boolean ready = conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        if (ready) {
            return Replica.Health.HEALTHY;
        }
        ContainerStatus s = containerStatus(pod);
        boolean restarted = s != null && s.getRestartCount() != null && s.getRestartCount() > 0;
        return restarted ? Replica.Health.UNHEALTHY : Replica.Health.STARTING;
    }

    private static Map<Integer, Endpoint> endpoints(Pod pod) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        Map<Integer, Endpoint> endpoints = new HashMap<>();
        if (ip == null || ip.isBlank()) {
            return endpoints;
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() != null) {
                for (ContainerPort p : c.getPorts()) {
                    endpoints.put(p.getContainerPort(), new Endpoint(ip, p.getContainerPort()));
                }
            }
        }
        return endpoints;
    }
}
