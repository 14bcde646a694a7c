package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Deployment the engine writes for a service, and the independent check the ITs run on every write: the check
 * passes what the API server takes and catches what it refuses.
 */
class DeploymentManifestsTest {
    private static ServiceSpec service(String name, ServiceSpec.Healthcheck health, Map<String, String> labels) {
        return new ServiceSpec(name, "registry.example/shop/web:2", List.of("serve", "--port", "8080"),
                List.of("/entry"), Map.of("B", "2", "A", "1"), List.of(8080, 9090), health, labels, 3,
                256L * 1024 * 1024, 1_500_000_000L, ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT,
                Duration.ofMillis(2500), new ServiceSpec.Route(8000, 8080, "/health", Duration.ofSeconds(3)),
                new ReleaseSpec.Rolling());
    }

    @Test
    void aServiceBecomesADeploymentTheApiServerTakes() {
        ServiceSpec s = service("Web_API", null, Map.of("team", "shop", "bad key!", "x"));
        Deployment d = DeploymentManifests.of("0a1b2c3d4e5f", "apps", new ReplicaSetSpec("shop", "Web_API", 7, 3, s));

        assertThat(KubernetesObjectCheck.problems(Serialization.asJson(d))).isEmpty();
        assertThat(d.getMetadata().getName()).matches("slipway-shop-web-api-7-0a1b2c3d4e5f-[0-9a-f]{8}");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry(Labels.RUNNER, "0a1b2c3d4e5f")
                .containsEntry(Labels.APP, "shop").containsEntry(Labels.SERVICE, "Web_API")
                .containsEntry(Labels.REVISION, "7");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "Web_API").containsEntry("app.kubernetes.io/part-of", "shop")
                .containsEntry("app.kubernetes.io/managed-by", "slipway").containsEntry("team", "shop")
                .doesNotContainKey("bad key!");
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(3L);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getName()).startsWith("web-api-");
        assertThat(c.getCommand()).containsExactly("/entry");
        assertThat(c.getArgs()).containsExactly("serve", "--port", "8080");
        assertThat(c.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).containsExactly("A=1", "B=2");
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("tcp-8080:8080", "tcp-9090:9090");
        assertThat(c.getResources().getLimits()).containsEntry("memory", new io.fabric8.kubernetes.api.model.Quantity("268435456"))
                .containsEntry("cpu", new io.fabric8.kubernetes.api.model.Quantity("1500m"));
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
        assertThat(c.getReadinessProbe().getTimeoutSeconds()).isEqualTo(3);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    }

    @Test
    void aComposeHealthCheckBecomesExecProbes() {
        ServiceSpec.Healthcheck h = new ServiceSpec.Healthcheck(List.of("CMD-SHELL", "curl -f localhost:8080"),
                Duration.ofMillis(1500), Duration.ofSeconds(4), 5, Duration.ofSeconds(20), false);
        Deployment d = DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("shop", "web", 1, 2,
                service("web", h, Map.of())));

        assertThat(KubernetesObjectCheck.problems(d)).isEmpty();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getReadinessProbe().getExec().getCommand()).containsExactly("/bin/sh", "-c", "curl -f localhost:8080");
        assertThat(c.getReadinessProbe().getPeriodSeconds()).isEqualTo(2);
        assertThat(c.getReadinessProbe().getFailureThreshold()).isEqualTo(5);
        assertThat(c.getLivenessProbe().getInitialDelaySeconds()).isEqualTo(20);

        ServiceSpec.Healthcheck off = new ServiceSpec.Healthcheck(List.of("NONE"), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ZERO, true);
        Deployment none = DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("shop", "web", 1, 2,
                service("web", off, Map.of())));
        assertThat(none.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe()).isNull();
    }

    @Test
    void theCheckCatchesWhatTheApiServerRefuses() {
        Deployment good = DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("shop", "web", 1, 1,
                service("web", null, Map.of())));

        Deployment noSelector = new DeploymentBuilder(good).editSpec().withSelector(null).endSpec().build();
        assertThat(KubernetesObjectCheck.problems(noSelector)).anyMatch(p -> p.contains("spec.selector is required"));

        Deployment mismatch = new DeploymentBuilder(good).editSpec().editSelector()
                .addToMatchLabels(Labels.REVISION, "2").endSelector().endSpec().build();
        assertThat(KubernetesObjectCheck.problems(mismatch)).anyMatch(p -> p.contains("does not match"));

        Deployment badLabel = new DeploymentBuilder(good).editMetadata().addToLabels("team", "shop floor!").endMetadata()
                .build();
        assertThat(KubernetesObjectCheck.problems(badLabel)).anyMatch(p -> p.contains("not a valid label value"));

        Deployment longPort = new DeploymentBuilder(good).editSpec().editTemplate().editSpec().editFirstContainer()
                .editFirstPort().withName("http-admin-metrics").endPort().endContainer().endSpec().endTemplate()
                .endSpec().build();
        assertThat(KubernetesObjectCheck.problems(longPort)).anyMatch(p -> p.contains("at most 15 characters"));

        String unknownField = Serialization.asJson(good).replaceFirst("\"replicas\"", "\"replica\"");
        assertThat(KubernetesObjectCheck.problems(unknownField)).anyMatch(p -> p.contains("unknown field(s) [replica]"));
    }

    @Test
    void namesAreValidAndDistinct() {
        assertThat(KubernetesNames.dnsLabel("web")).isEqualTo("web");
        assertThat(KubernetesNames.dnsLabel("Web")).isNotEqualTo(KubernetesNames.dnsLabel("web")).matches("web-[0-9a-f]{8}");
        String longName = KubernetesNames.deployment("a".repeat(40), "service-with-a-long-name", 12345, "0a1b2c3d4e5f");
        assertThat(longName).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        assertThat(KubernetesNames.labelValue("_x_")).matches("x-[0-9a-f]{8}");
        assertThat(KubernetesNames.labelValue("Web_API.v2")).isEqualTo("Web_API.v2");
    }
}
