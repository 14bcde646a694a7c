package io.jenkins.plugins.slipway.runner.engine.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which node a named volume is made on, and how a placement constraint reads a node. */
class NodeChoiceTest {
    static SwarmClient.Node node(String id, String hostname, String role, boolean ready, boolean active,
                                 Map<String, String> labels) {
        return new SwarmClient.Node(id, hostname, "10.0.0." + hostname.length(), ready, role, active, labels,
                Map.of("storage", "ssd"), "linux", "x86_64");
    }

    private static final SwarmClient.Node MANAGER = node("m9", "mgr", "manager", true, true, Map.of("zone", "a"));
    private static final SwarmClient.Node W2 = node("w2", "worker-2", "worker", true, true, Map.of("zone", "c"));
    private static final SwarmClient.Node W1 = node("w1", "worker-1", "worker", true, true, Map.of("zone", "b"));

    @Test
    void theManagerTheRunnerTalksToWhenItFitsElseTheFirstByIdWhateverTheListOrder() {
        assertThat(NodeChoice.choose(List.of(W2, MANAGER, W1), "m9", List.of())).contains(MANAGER);
        assertThat(NodeChoice.choose(List.of(W2, MANAGER, W1), "m9", List.of("node.role == worker"))).contains(W1);
        assertThat(NodeChoice.choose(List.of(W1, MANAGER, W2), "m9", List.of("node.role == worker"))).contains(W1);
        assertThat(NodeChoice.choose(List.of(W2, W1, MANAGER), "m9", List.of("node.labels.zone == c"))).contains(W2);
    }

    @Test
    void aNodeThatIsDownDrainedOrPausedIsNeverChosen() {
        SwarmClient.Node down = node("a0", "down", "worker", false, true, Map.of());
        SwarmClient.Node drained = node("a1", "drained", "manager", true, false, Map.of());
        assertThat(NodeChoice.choose(List.of(down, drained, W2), "a1", List.of())).contains(W2);
        assertThat(NodeChoice.choose(List.of(down, drained), "a1", List.of())).isEmpty();
        assertThat(NodeChoice.choose(List.of(W1, W2), "m9", List.of("node.labels.zone == z"))).isEmpty();
    }

    @Test
    void constraintsReadAsSwarmReadsThem() {
        assertThat(NodeChoice.matches("node.hostname == Worker-1", W1)).isTrue();
        assertThat(NodeChoice.matches("node.id==w1", W1)).isTrue();
        assertThat(NodeChoice.matches("node.role != manager", W1)).isTrue();
        assertThat(NodeChoice.matches("node.role != manager", MANAGER)).isFalse();
        assertThat(NodeChoice.matches("node.labels.zone == b", W1)).isTrue();
        assertThat(NodeChoice.matches("node.labels.zone == B", W1)).as("label values are exact").isFalse();
        assertThat(NodeChoice.matches("node.labels.disk == ssd", W1)).as("a label it lacks").isFalse();
        assertThat(NodeChoice.matches("node.labels.disk != ssd", W1)).as("a label it lacks").isTrue();
        assertThat(NodeChoice.matches("engine.labels.storage == ssd", W1)).isTrue();
        assertThat(NodeChoice.matches("node.platform.os == linux", W1)).isTrue();
        assertThat(NodeChoice.matches("node.platform.arch == arm64", W1)).isFalse();
        assertThat(NodeChoice.matches("node.colour == blue", W1)).as("an attribute Swarm does not know").isFalse();
    }
}
