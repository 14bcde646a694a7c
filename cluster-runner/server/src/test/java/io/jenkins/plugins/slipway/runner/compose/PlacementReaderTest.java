package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementReaderTest {
    private final ComposeParser parser = new ComposeParser();

    @Test
    void readsConstraintsSpreadAndReservations() throws Exception {
        ParsedCompose parsed = parser.parse("""
                services:
                  web:
                    image: web:1
                    deploy:
                      placement:
                        constraints: ["node.labels.zone == b", "node.role!=manager"]
                        preferences: [{spread: node.labels.zone}, {spread: node.labels.rack}]
                        max_replicas_per_node: 2
                      resources:
                        limits: {memory: 64m}
                        reservations:
                          memory: 16m
                          cpus: "0.25"
                          generic_resources:
                            - discrete_resource_spec: {kind: NVIDIA-GPU, value: 1}
                            - discrete_resource_spec: {kind: NVIDIA-GPU, value: 1}
                """, Map.of());
        assertThat(parsed.warnings()).as("whether placement is honoured is the engine's to say (EngineFit)")
                .isEmpty();
        Placement p = parsed.spec().services().get("web").placement();
        assertThat(p.constraints()).containsExactly("node.labels.zone == b", "node.role!=manager");
        assertThat(p.spreads()).containsExactly("node.labels.zone", "node.labels.rack");
        assertThat(p.maxReplicasPerNode()).isEqualTo(2);
        assertThat(p.reservedMemoryBytes()).isEqualTo(16L << 20);
        assertThat(p.reservedNanoCpus()).isEqualTo(250_000_000L);
        assertThat(p.genericResources()).isEqualTo(Map.of("NVIDIA-GPU", 2L));
    }

    @Test
    void aServiceWithoutPlacementRunsAnywhere() throws Exception {
        Placement p = parser.parse("services: {web: {image: web:1}}", Map.of()).spec().services().get("web").placement();
        assertThat(p.isAnywhere()).isTrue();
    }

    @Test
    void badPlacementIsRefusedWithTheFieldPath() {
        assertThatThrownBy(() -> parser.parse("""
                services:
                  web:
                    image: web:1
                    deploy:
                      placement:
                        constraints: ["zone = b", 7]
                        preferences: [{spread: zone}, {pack: node.id}]
                        max_replicas_per_node: 0
                      resources:
                        reservations:
                          memory: lots
                          generic_resources: [{named_resource_spec: {kind: GPU, value: gpu0}},
                                              {discrete_resource_spec: {kind: GPU, value: 0}}]
                """, Map.of())).isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                .extracting(x -> x.path()).containsExactlyInAnyOrderElementsOf(List.of(
                        "services.web.deploy.placement.constraints[0]",
                        "services.web.deploy.placement.constraints[1]",
                        "services.web.deploy.placement.preferences[0].spread",
                        "services.web.deploy.placement.preferences[1]",
                        "services.web.deploy.placement.max_replicas_per_node",
                        "services.web.deploy.resources.reservations.memory",
                        "services.web.deploy.resources.reservations.generic_resources[0]",
                        "services.web.deploy.resources.reservations.generic_resources[1].discrete_resource_spec.value")));
    }

    @Test
    void gpuDevicesAreReadBesideGenericResources() throws Exception {
        ParsedCompose parsed = parser.parse("""
                services:
                  web:
                    image: web:1
                    deploy:
                      resources:
                        reservations:
                          devices: [{capabilities: [gpu]}]
                """, Map.of());
        assertThat(parsed.warnings()).isEmpty();
        assertThat(parsed.spec().services().get("web").settings().reservations().devices()).hasSize(1);
        assertThat(parsed.spec().services().get("web").placement().genericResources()).isEmpty();
    }
}
