package io.jenkins.plugins.slipway.runner.engine.swarm;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which node a named volume is made on the first time a service mounts it: a node that is ready, takes tasks
 * (availability active) and meets every placement constraint of the service; the manager the runner talks to when
 * it is one of those (its volumes are the ones the runner can remove), else the first by node id, so that the
 * choice does not depend on the order the manager lists nodes in. Memory and generic resource reservations are
 * left to Swarm's scheduler: a node short of them leaves the task pending, and the service says why.
 */
final class NodeChoice {
    private NodeChoice() {
    }

    /** The node to make the volume on, or empty when no node that is up meets the constraints. */
    static Optional<SwarmClient.Node> choose(List<SwarmClient.Node> nodes, String localNodeId, List<String> constraints) {
        List<SwarmClient.Node> fit = nodes.stream().filter(n -> n.ready() && n.active())
                .filter(n -> constraints.stream().allMatch(c -> matches(c, n)))
                .sorted(Comparator.comparing(SwarmClient.Node::id)).toList();
        return fit.stream().filter(n -> n.id().equals(localNodeId)).findFirst().or(() -> fit.stream().findFirst());
    }

    /**
     * Whether {@code constraint} ({@code node.labels.zone == b}, {@code node.role != manager}) holds on the node,
     * as Swarm reads it: {@code ==} or {@code !=} between an attribute and a value, names compared without case
     * for id, hostname and role. An attribute Swarm does not know holds nowhere.
     */
    static boolean matches(String constraint, SwarmClient.Node node) {
        int at = constraint.indexOf("==");
        boolean equal = at >= 0;
        if (!equal) {
            at = constraint.indexOf("!=");
        }
        if (at < 0) {
            return false;
        }
        String key = constraint.substring(0, at).strip();
        String wanted = constraint.substring(at + 2).strip();
        String actual = attribute(key, node);
        if (actual == null) {
            // A label the node does not carry: "!=" holds, "==" does not (as in Swarm).
            return !equal && (key.startsWith("node.labels.") || key.startsWith("engine.labels."));
        }
        boolean same = key.startsWith("node.labels.") || key.startsWith("engine.labels.")
                ? actual.equals(wanted) : actual.equalsIgnoreCase(wanted);
        return equal == same;
    }

    private static String attribute(String key, SwarmClient.Node node) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("node.labels.")) {
            return label(node.labels(), key.substring("node.labels.".length()));
        }
        if (lower.startsWith("engine.labels.")) {
            return label(node.engineLabels(), key.substring("engine.labels.".length()));
        }
        return switch (lower) {
            case "node.id" -> node.id();
            case "node.hostname" -> node.hostname();
            case "node.role" -> node.role();
            case "node.platform.os" -> node.os();
            case "node.platform.arch" -> node.arch();
            default -> null;
        };
    }

    private static String label(Map<String, String> labels, String key) {
        return labels == null ? null : labels.get(key);
    }
}
