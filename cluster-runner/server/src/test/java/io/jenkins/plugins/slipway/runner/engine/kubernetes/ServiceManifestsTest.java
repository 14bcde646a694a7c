package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ClusterIP Service of a Compose service: its name, labels, ports, and the pods of every revision it selects. */
class ServiceManifestsTest {

    @Test
    void aServiceWithPortsBecomesAClusterIpServiceNamedAsInCompose() {
        Service svc = ServiceManifests.of("r1", "apps", "shop", "api", List.of(9090, 8080, 8080));

        assertThat(KubernetesObjectCheck.problems(svc)).isEmpty();
        assertThat(svc.getMetadata().getName()).isEqualTo("api");
        assertThat(svc.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "slipway")
                .containsEntry("app.kubernetes.io/part-of", "shop").containsEntry("app.kubernetes.io/name", "api")
                .containsEntry(Labels.RUNNER, "r1").containsEntry(Labels.APP, "shop");
        assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getName() + " " + p.getPort() + "->"
                + p.getTargetPort().getIntVal() + "/" + p.getProtocol())
                .containsExactly("tcp-8080 8080->8080/TCP", "tcp-9090 9090->9090/TCP");
    }

    @Test
    void itSelectsThePodsOfEveryRevisionOfItsServiceOnly() {
        Service svc = ServiceManifests.of("r1", "apps", "shop", "Web_API", List.of(8080));
        ServiceSpec s = new ServiceSpec("Web_API", "img:1", null, null, Map.of(), List.of(8080), null, Map.of(), 1,
                0, 0, ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT, Duration.ofSeconds(1), null,
                new ReleaseSpec.Rolling());
        for (int revision : List.of(1, 7)) {
            Deployment d = DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("shop", "Web_API", revision, 1, s));
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(svc.getSpec().getSelector());
        }
        assertThat(svc.getSpec().getSelector()).doesNotContainKey(Labels.REVISION);
        Deployment otherApp = DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("blog", "Web_API", 1, 1, s));
        assertThat(otherApp.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                .containsAll(svc.getSpec().getSelector().entrySet())).isFalse();
        assertThat(KubernetesObjectCheck.problems(svc)).isEmpty();
        assertThat(svc.getMetadata().getName()).matches("web-api-[0-9a-f]{8}");
        assertThat(ServiceManifests.owned(svc, "r1", "shop", "Web_API")).isTrue();
        assertThat(ServiceManifests.owned(svc, "r1", "blog", "Web_API")).isFalse();
        assertThat(ServiceManifests.owned(svc, "r2", "shop", "Web_API")).isFalse();
    }

    @Test
    void aNameStartingWithADigitStillMakesAServiceName() {
        String name = ServiceManifests.name("1st");
        assertThat(name).matches("[a-z]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
        assertThat(KubernetesObjectCheck.problems(ServiceManifests.of("r1", "apps", "shop", "1st", List.of(80))))
                .isEmpty();
    }
}
