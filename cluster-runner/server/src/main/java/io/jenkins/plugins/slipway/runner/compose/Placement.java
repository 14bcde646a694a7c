package io.jenkins.plugins.slipway.runner.compose;

import java.util.List;
import java.util.Map;

/**
 * Where a service's replicas may run and what they reserve: Compose {@code deploy.placement} and
 * {@code deploy.resources.reservations}. An engine with several nodes (Swarm) hands these to its scheduler; the
 * local Docker engine is one node, where there is nothing to choose (docs/compose-extensions.md).
 *
 * @param constraints        {@code node.labels.zone == b}: every one must hold on the node
 * @param spreads            {@code preferences: [spread: node.labels.zone]}: the descriptors to spread over, in order
 * @param maxReplicasPerNode {@code max_replicas_per_node}, 0 for no limit
 * @param reservedMemoryBytes {@code reservations.memory}, 0 for none
 * @param reservedNanoCpus   {@code reservations.cpus} in billionths of a CPU, 0 for none
 * @param genericResources   {@code reservations.generic_resources}: kind (such as {@code NVIDIA-GPU}) to how many
 *                           units each replica needs
 */
public record Placement(List<String> constraints, List<String> spreads, int maxReplicasPerNode,
                        long reservedMemoryBytes, long reservedNanoCpus, Map<String, Long> genericResources) {

    /** Anywhere, reserving nothing. */
    public static final Placement ANYWHERE = new Placement(List.of(), List.of(), 0, 0, 0, Map.of());

    public Placement {
        constraints = List.copyOf(constraints);
        spreads = List.copyOf(spreads);
        genericResources = Map.copyOf(genericResources);
    }

    /** Whether the service says where its replicas may go: constraints, spreads or a per-node limit. */
    public boolean choosesNodes() {
        return !constraints.isEmpty() || !spreads.isEmpty() || maxReplicasPerNode > 0;
    }

    /** Whether the service says nothing about placement or reservations. */
    public boolean isAnywhere() {
        return equals(ANYWHERE);
    }
}
