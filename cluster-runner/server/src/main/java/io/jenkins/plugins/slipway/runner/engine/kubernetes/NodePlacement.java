package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.Placement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose {@code deploy.placement} (Swarm's syntax) as the scheduler's fields of a pod:
 * <ul>
 *   <li>a constraint {@code ==} is a {@code nodeSelector} entry, a constraint {@code !=} a {@code NotIn}
 *       requirement of the required node affinity (which, as in Swarm, a node without the label meets);</li>
 *   <li>{@code node.labels.K} is node label {@code K}, {@code node.hostname} {@code kubernetes.io/hostname},
 *       {@code node.platform.os} and {@code .arch} {@code kubernetes.io/os} and {@code /arch} (Swarm's
 *       {@code x86_64} and {@code aarch64} are Kubernetes' {@code amd64} and {@code arm64}), {@code node.role}
 *       whether the node has the {@code node-role.kubernetes.io/control-plane} label;</li>
 *   <li>{@code preferences: [spread: D]} is a {@code topologySpreadConstraint} on D's label, {@code maxSkew 1},
 *       {@code ScheduleAnyway} (a preference, as in Swarm), over the pods of the same Deployment;</li>
 *   <li>{@code max_replicas_per_node: 1} is a required pod anti-affinity on {@code kubernetes.io/hostname}.</li>
 * </ul>
 * What has no faithful counterpart is refused with the field and the reason, never dropped: {@code node.id}
 * (Kubernetes nodes have no Swarm id; use {@code node.hostname}), {@code engine.labels} (Docker daemon labels),
 * a label the API server would refuse, {@code max_replicas_per_node} above 1 (a spread's skew bounds the
 * difference between nodes, not the count on one) and {@code generic_resources} (Swarm's named resources).
 */
final class NodePlacement {
    static final String HOSTNAME = "kubernetes.io/hostname";
    static final String CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
    private static final Pattern CONSTRAINT = Pattern.compile("((?:node|engine)\\.[A-Za-z0-9_.-]+)\\s*(==|!=)\\s*(.+)");
    private static final Map<String, String> ARCH = Map.of("x86_64", "amd64", "aarch64", "arm64", "armv7l", "arm");

    private NodePlacement() {
    }

    /**
     * Sets the pod's node selector, affinity and spread constraints from {@code placement}.
     *
     * @param path     where the service is in the Compose file: {@code services.web}
     * @param podLabels the labels that select the pods of this Deployment only
     * @throws IllegalArgumentException naming the field when part of the placement has no Kubernetes counterpart
     */
    static void apply(String path, Placement placement, Map<String, String> podLabels, PodSpecBuilder pod) {
        if (!problems(path, placement).isEmpty()) {
            throw new IllegalArgumentException("placement of " + path + " has problems: " + problems(path, placement));
        }
        Map<String, String> selector = new LinkedHashMap<>();
        List<NodeSelectorRequirement> required = new ArrayList<>();
        for (String c : placement.constraints()) {
            Matcher m = CONSTRAINT.matcher(c);
            m.matches();
            String attribute = m.group(1);
            boolean equal = m.group(2).equals("==");
            String value = m.group(3).strip();
            if (attribute.equals("node.role")) {
                boolean manager = value.equals("manager") == equal;
                required.add(new NodeSelectorRequirement(CONTROL_PLANE, manager ? "Exists" : "DoesNotExist", null));
            } else if (equal) {
                selector.put(labelKey(attribute), labelValue(attribute, value));
            } else {
                required.add(new NodeSelectorRequirement(labelKey(attribute), "NotIn",
                        List.of(labelValue(attribute, value))));
            }
        }
        if (!selector.isEmpty()) {
            pod.withNodeSelector(selector);
        }
        AffinityBuilder affinity = null;
        if (!required.isEmpty()) {
            affinity = new AffinityBuilder().withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .addNewNodeSelectorTerm().withMatchExpressions(required).endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity();
        }
        if (placement.maxReplicasPerNode() == 1) {
            affinity = affinity == null ? new AffinityBuilder() : affinity;
            affinity.withNewPodAntiAffinity()
                    .addToRequiredDuringSchedulingIgnoredDuringExecution(new PodAffinityTermBuilder()
                            .withTopologyKey(HOSTNAME).withLabelSelector(selectorOf(podLabels)).build())
                    .endPodAntiAffinity();
        }
        if (affinity != null) {
            pod.withAffinity(affinity.build());
        }
        List<TopologySpreadConstraint> spreads = new ArrayList<>();
        for (String d : placement.spreads()) {
            spreads.add(new TopologySpreadConstraintBuilder().withMaxSkew(1).withTopologyKey(spreadKey(d))
                    .withWhenUnsatisfiable("ScheduleAnyway").withLabelSelector(selectorOf(podLabels)).build());
        }
        if (!spreads.isEmpty()) {
            pod.withTopologySpreadConstraints(spreads);
        }
    }

    /** Every part of {@code placement} that cannot be written for Kubernetes, each with its field path and why. */
    static List<ApiError.Problem> problems(String path, Placement placement) {
        List<ApiError.Problem> out = new ArrayList<>();
        String at = path + ".deploy.placement";
        Map<String, String> equalities = new LinkedHashMap<>();
        for (int i = 0; i < placement.constraints().size(); i++) {
            String c = placement.constraints().get(i);
            String where = at + ".constraints[" + i + "]";
            Matcher m = CONSTRAINT.matcher(c);
            if (!m.matches()) {
                out.add(new ApiError.Problem(where, c + " is not ATTRIBUTE == VALUE or ATTRIBUTE != VALUE"));
                continue;
            }
            String attribute = m.group(1);
            String value = m.group(3).strip();
            String problem = attribute.equals("node.role") ? roleProblem(value) : attributeProblem(attribute);
            if (problem == null && !attribute.equals("node.role")) {
                problem = KubernetesValidation.labelValueProblem(labelValue(attribute, value));
            }
            if (problem == null && m.group(2).equals("==") && !attribute.equals("node.role")) {
                String before = equalities.putIfAbsent(attribute, value);
                if (before != null && !before.equals(value)) {
                    problem = attribute + " cannot equal both " + before + " and " + value + ": no node would do";
                }
            }
            if (problem != null) {
                out.add(new ApiError.Problem(where, problem));
            }
        }
        for (int i = 0; i < placement.spreads().size(); i++) {
            String d = placement.spreads().get(i);
            String problem = d.equals("node.id") ? null : attributeProblem(d);
            if (problem != null) {
                out.add(new ApiError.Problem(at + ".preferences[" + i + "].spread", problem));
            }
        }
        if (placement.maxReplicasPerNode() > 1) {
            out.add(new ApiError.Problem(at + ".max_replicas_per_node", "only 1 has a Kubernetes counterpart (a required pod anti-affinity"
                    + " per node); a topology spread bounds the difference between nodes, not the count on one, so "
                    + placement.maxReplicasPerNode() + " cannot be kept"));
        }
        if (!placement.genericResources().isEmpty()) {
            out.add(new ApiError.Problem(path + ".deploy.resources.reservations.generic_resources", "Swarm's named"
                    + " resources " + placement.genericResources().keySet() + " have no Kubernetes counterpart; reserve"
                    + " GPUs with reservations.devices (capabilities: [gpu], count: N), which become nvidia.com/gpu"));
        }
        return out;
    }

    private static String roleProblem(String value) {
        return value.equals("manager") || value.equals("worker") ? null
                : "node.role is manager or worker, got " + value;
    }

    /** Why a node attribute has no node label counterpart, or null. */
    private static String attributeProblem(String attribute) {
        if (attribute.startsWith("node.labels.")) {
            return KubernetesValidation.labelKeyProblem(attribute.substring("node.labels.".length()));
        }
        return switch (attribute) {
            case "node.hostname", "node.platform.os", "node.platform.arch" -> null;
            case "node.role" -> "node.role has no topology to spread over";
            case "node.id" -> "node.id is a Swarm node id, which Kubernetes nodes do not have; use node.hostname";
            default -> attribute.startsWith("engine.labels.")
                    ? attribute + " is a Docker daemon label, which Kubernetes does not see; use node.labels"
                    : attribute + " has no Kubernetes node label; use node.labels, node.hostname, node.role or"
                    + " node.platform.os/arch";
        };
    }

    private static String labelKey(String attribute) {
        return switch (attribute) {
            case "node.hostname" -> HOSTNAME;
            case "node.platform.os" -> "kubernetes.io/os";
            case "node.platform.arch" -> "kubernetes.io/arch";
            default -> attribute.substring("node.labels.".length());
        };
    }

    private static String labelValue(String attribute, String value) {
        return attribute.equals("node.platform.arch") ? ARCH.getOrDefault(value, value) : value;
    }

    /** Spreading over node ids is spreading over nodes: each has its own host name label. */
    private static String spreadKey(String descriptor) {
        return descriptor.equals("node.id") ? HOSTNAME : labelKey(descriptor);
    }

    private static LabelSelector selectorOf(Map<String, String> podLabels) {
        return new LabelSelectorBuilder().withMatchLabels(new LinkedHashMap<>(podLabels)).build();
    }
}
