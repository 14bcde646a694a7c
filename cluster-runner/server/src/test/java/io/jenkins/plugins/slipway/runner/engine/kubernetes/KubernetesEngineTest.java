package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the engine does on its own at start, against the mock API server (CRUD mode, no controllers needed). */
class KubernetesEngineTest {
    private static final String RUNNER = "0a1b2c3d4e5f";
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private void create(HasMetadata o) {
        client.resource(o).inNamespace(client.getNamespace()).create();
    }

    @Test
    void theSecretsAndConfigMapsOfDeploymentsThatAreGoneAreDeletedAtStart() {
        ServiceSpec web = new ServiceSpec("web", "web:1", null, null, Map.of(), List.of(), null, Map.of(), 1, 0, 0,
                ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT, Duration.ofSeconds(1), null,
                new ReleaseSpec.Rolling());
        Deployment live = DeploymentManifests.of(RUNNER, client.getNamespace(), new ReplicaSetSpec("shop", "web", 2, 1, web));
        String liveName = live.getMetadata().getName();
        create(live);
        Map<String, String> ours = Map.of(Labels.RUNNER, RUNNER, Labels.APP, "shop");
        Map<String, String> another = Map.of(Labels.RUNNER, "ffffffffffff", Labels.APP, "shop");
        create(new SecretBuilder().withNewMetadata().withName(liveName).withLabels(ours).endMetadata().build());
        create(new ConfigMapBuilder().withNewMetadata().withName(liveName).withLabels(ours).endMetadata().build());
        create(new SecretBuilder().withNewMetadata().withName("slipway-shop-web-1-" + RUNNER).withLabels(ours)
                .endMetadata().build());
        create(new ConfigMapBuilder().withNewMetadata().withName("slipway-shop-web-1-" + RUNNER).withLabels(ours)
                .endMetadata().build());
        create(new SecretBuilder().withNewMetadata().withName("another-runners").withLabels(another).endMetadata()
                .build());

        new KubernetesEngine(client, RUNNER).close();

        KubernetesClient reader = server.createClient();
        assertThat(reader.secrets().list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder(liveName, "another-runners");
        assertThat(reader.configMaps().list().getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactly(liveName);
        reader.close();
    }
}
