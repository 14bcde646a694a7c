package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static io.jenkins.plugins.slipway.runner.engine.kubernetes.HttpRouteManifestsTest.RUNNER;
import static io.jenkins.plugins.slipway.runner.engine.kubernetes.HttpRouteManifestsTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.ServiceTraffic;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gateway API router against the mock API server (CRUD mode): what a canary writes, pass after pass, and that it
 * writes only what changed, with the resourceVersion it read.
 */
class GatewayApiRouterTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private ServiceSpec web;

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        web = HttpRouteManifestsTest.web();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private ServiceTraffic web(ReplicaSet... sets) {
        return new ServiceTraffic("web", web, List.of(sets), List.of());
    }

    private static ReplicaSet set(int revision, int replicas, int weight) {
        return new ReplicaSet("shop", "web", revision, replicas, weight);
    }

    private HTTPRoute route() {
        return client.resources(HTTPRoute.class).inNamespace(client.getNamespace())
                .withName(HttpRouteManifests.name("shop", "web", RUNNER)).get();
    }

    /** The weighted rule's backendRefs: revision to weight. */
    private Map<Integer, Integer> weights() {
        Map<Integer, Integer> out = new TreeMap<>();
        var rules = route().getSpec().getRules();
        rules.get(rules.size() - 1).getBackendRefs().forEach(b -> out.put(revisionOf(b.getName()), b.getWeight()));
        return out;
    }

    private static int revisionOf(String serviceName) {
        for (int r = 1; r < 10; r++) {
            if (serviceName.equals(KubernetesNames.deployment("shop", "web", r, RUNNER))) {
                return r;
            }
        }
        throw new AssertionError(serviceName);
    }

    private List<String> revisionServices() {
        return client.services().inNamespace(client.getNamespace())
                .withLabel(HttpRouteManifests.TRAFFIC, HttpRouteManifests.GATEWAY_API).list().getItems().stream()
                .map(s -> s.getMetadata().getLabels().get("io.slipway.revision") + " "
                        + s.getSpec().getSelector().get("io.slipway.revision"))
                .sorted().toList();
    }

    @Test
    void aCanaryFrom25To100PercentAndTheAppsRemoval() {
        GatewayApiRouter router = new GatewayApiRouter(client, client.getNamespace(), RUNNER);
        List<ObservedReplica> both = List.of(pod(1, 1, true), pod(1, 2, true), pod(2, 1, true));

        router.sync("shop", List.of(web(set(1, 2, 100))), both);
        assertThat(weights()).isEqualTo(Map.of(1, 100));
        assertThat(revisionServices()).containsExactly("1 1");

        router.sync("shop", List.of(web(set(1, 2, 75), set(2, 1, 25))), both);
        assertThat(weights()).isEqualTo(Map.of(1, 75, 2, 25));
        assertThat(router.weights("shop", "web")).as("as the status shows them").isEqualTo(Map.of("1", 75, "2", 25));
        assertThat(revisionServices()).containsExactly("1 1", "2 2");
        String version = route().getMetadata().getResourceVersion();
        router.sync("shop", List.of(web(set(1, 2, 75), set(2, 1, 25))), both);
        assertThat(route().getMetadata().getResourceVersion()).as("nothing changed, nothing written")
                .isEqualTo(version);

        router.sync("shop", List.of(web(set(2, 2, 100))), List.of(pod(2, 1, true), pod(2, 2, true)));
        assertThat(weights()).isEqualTo(Map.of(2, 100));
        assertThat(revisionServices()).containsExactly("2 2");
        assertThat(KubernetesObjectCheck.problems(route())).isEmpty();

        // A restarted runner adopts what the last one wrote, and the app's removal takes it all.
        GatewayApiRouter restarted = new GatewayApiRouter(client, client.getNamespace(), RUNNER);
        version = route().getMetadata().getResourceVersion();
        restarted.sync("shop", List.of(web(set(2, 2, 100))), List.of(pod(2, 1, true)));
        assertThat(route().getMetadata().getResourceVersion()).as("adopted as it is").isEqualTo(version);
        restarted.removeApp("shop");
        assertThat(route()).isNull();
        assertThat(revisionServices()).isEmpty();
    }

    @Test
    void aServiceThatNoLongerUsesTheGatewayLosesItsRouteThenItsServices() {
        GatewayApiRouter router = new GatewayApiRouter(client, client.getNamespace(), RUNNER);
        router.sync("shop", List.of(web(set(1, 1, 100))), List.of(pod(1, 1, true)));
        assertThat(route()).isNotNull();

        router.sync("shop", List.of(), List.of());

        assertThat(route()).isNull();
        assertThat(revisionServices()).isEmpty();
        List<Service> all = client.services().inNamespace(client.getNamespace()).list().getItems();
        assertThat(all).isEmpty();
    }
}
