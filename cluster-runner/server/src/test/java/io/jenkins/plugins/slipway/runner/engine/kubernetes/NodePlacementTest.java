package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.Placement;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compose placement in the Deployment's pod template, and what is refused with its field path. */
class NodePlacementTest {
    private static Deployment deployment(Placement placement) {
        ServiceSpec s = new ServiceSpec("web", "registry.example/shop/web:2", null, null, Map.of(), List.of(8080), null,
                Map.of(), 4, 0, 0, ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT,
                Duration.ofSeconds(1), null, new ReleaseSpec.Rolling(), ServiceWiring.DEFAULT, ContainerSettings.DEFAULT,
                List.of(), placement);
        return DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("shop", "web", 3, 4, s));
    }

    private static Placement placement(List<String> constraints, List<String> spreads, int maxPerNode) {
        return new Placement(constraints, spreads, maxPerNode, 0, 0, Map.of());
    }

    @Test
    void equalitiesAreANodeSelectorAndInequalitiesAreRequiredNodeAffinity() {
        Deployment d = deployment(placement(List.of("node.labels.zone == b", "node.hostname != db-1",
                "node.platform.arch == x86_64", "node.role != manager", "node.labels.disk!=hdd"), List.of(), 0));

        assertThat(KubernetesObjectCheck.problems(d)).isEmpty();
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsExactlyInAnyOrderEntriesOf(
                Map.of("zone", "b", "kubernetes.io/arch", "amd64"));
        List<NodeSelectorRequirement> required = pod.getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().get(0).getMatchExpressions();
        assertThat(required).extracting(r -> r.getKey() + " " + r.getOperator() + " " + r.getValues())
                .containsExactly("kubernetes.io/hostname NotIn [db-1]",
                        "node-role.kubernetes.io/control-plane DoesNotExist null", "disk NotIn [hdd]");
        assertThat(pod.getTopologySpreadConstraints()).isEmpty();
    }

    @Test
    void managersAreControlPlaneNodes() {
        PodSpec pod = deployment(placement(List.of("node.role == manager"), List.of(), 0)).getSpec().getTemplate()
                .getSpec();
        assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions())
                .extracting(r -> r.getKey() + " " + r.getOperator())
                .containsExactly("node-role.kubernetes.io/control-plane Exists");
        assertThat(pod.getNodeSelector()).isEmpty();
    }

    @Test
    void spreadsAreSoftTopologySpreadsOverTheDeploymentsPods() {
        Deployment d = deployment(placement(List.of(), List.of("node.labels.zone", "node.id"), 0));

        assertThat(KubernetesObjectCheck.problems(d)).isEmpty();
        List<TopologySpreadConstraint> spreads = d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
        assertThat(spreads).extracting(TopologySpreadConstraint::getTopologyKey)
                .containsExactly("zone", "kubernetes.io/hostname");
        for (TopologySpreadConstraint t : spreads) {
            assertThat(t.getMaxSkew()).isEqualTo(1);
            assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
            assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels())
                    .containsEntry(Labels.REVISION, "3");
        }
        assertThat(d.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    }

    @Test
    void oneReplicaPerNodeIsARequiredAntiAffinityOnTheHostName() {
        Deployment d = deployment(placement(List.of("node.labels.zone == b"), List.of(), 1));

        assertThat(KubernetesObjectCheck.problems(d)).isEmpty();
        var terms = d.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution();
        assertThat(terms).hasSize(1);
        assertThat(terms.get(0).getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(terms.get(0).getLabelSelector().getMatchLabels())
                .isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(d.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()).isNull();
    }

    @Test
    void whatHasNoCounterpartIsRefusedWithItsFieldPath() {
        Placement p = new Placement(List.of("node.id == 2ivku8v2gvtg4", "engine.labels.os == linux",
                "node.labels.zone == a", "node.labels.zone == b", "node.labels._zone == x", "node.role == leader",
                "node.labels.tier == not valid"), List.of("node.role"), 2, 0, 0, Map.of("NVIDIA-GPU", 1L));

        assertThat(NodePlacement.problems("services.web", p)).extracting(q -> q.path() + ": " + q.message()).satisfiesExactly(
                m -> assertThat(m).startsWith("services.web.deploy.placement.constraints[0]: node.id is a Swarm node id"),
                m -> assertThat(m).startsWith("services.web.deploy.placement.constraints[1]: engine.labels.os is a"
                        + " Docker daemon label"),
                m -> assertThat(m).isEqualTo("services.web.deploy.placement.constraints[3]: node.labels.zone cannot"
                        + " equal both a and b: no node would do"),
                m -> assertThat(m).startsWith("services.web.deploy.placement.constraints[4]: label key _zone"),
                m -> assertThat(m).startsWith("services.web.deploy.placement.constraints[5]: node.role is manager or"
                        + " worker"),
                m -> assertThat(m).startsWith("services.web.deploy.placement.constraints[6]: label value not valid:"),
                m -> assertThat(m).startsWith("services.web.deploy.placement.preferences[0].spread: node.role"),
                m -> assertThat(m).startsWith("services.web.deploy.placement.max_replicas_per_node: only 1"),
                m -> assertThat(m).startsWith("services.web.deploy.resources.reservations.generic_resources:"));
        assertThatThrownBy(() -> deployment(placement(List.of(), List.of(), 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("services.web.deploy.placement.max_replicas_per_node");
    }

    @Test
    void noPlacementWritesNoSchedulingFields() {
        PodSpec pod = deployment(Placement.ANYWHERE).getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).isEmpty();
        assertThat(pod.getAffinity()).isNull();
        assertThat(pod.getTopologySpreadConstraints()).isEmpty();
    }
}
