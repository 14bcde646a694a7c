package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.ServiceTraffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTTPRoute of a service routed through a Gateway: rules, weights and Services, as the API server takes them. */
class HttpRouteManifestsTest {
    static final String RUNNER = "0a1b2c3d4e5f";
    static final String COMPOSE = """
            services:
              web:
                image: web:1
                x-slipway:
                  route: {port: 8000, targetPort: 8080, healthPath: /health}
                  kubernetes:
                    trafficRouter: gateway-api
                    gateway: {name: shared, namespace: infra, sectionName: https}
                    hostnames: [shop.example.com]
            """;

    static ServiceSpec web() throws Exception {
        return new ComposeParser(Set.of("rolling", "canary")).parse(COMPOSE, Map.of()).spec().services().get("web");
    }

    static ObservedReplica pod(int revision, int index, boolean ready) {
        Map<String, String> labels = Map.of(Labels.APP, "shop", Labels.SERVICE, "web",
                Labels.REVISION, String.valueOf(revision), Labels.REPLICA, String.valueOf(index));
        Endpoint endpoint = new Endpoint("10.0." + revision + "." + index, 8080);
        Replica r = new Replica("p" + revision + index, "web-" + revision + "-" + index, labels, Replica.State.RUNNING,
                0, Replica.Health.NONE, "node-a", Map.of(8080, endpoint));
        return new ObservedReplica(r, ready, ready ? "ready" : "starting", endpoint, ready);
    }

    private static Map<Integer, Integer> weights(List<ReplicaSet> sets, List<ObservedReplica> pods) throws Exception {
        return HttpRouteManifests.weights(new ServiceTraffic("web", web(), sets, List.of()), pods);
    }

    @Test
    void theReleasesWeightsOverTheRevisionsThatHaveAReadyPod() throws Exception {
        List<ReplicaSet> canary = List.of(new ReplicaSet("shop", "web", 1, 2, 75), new ReplicaSet("shop", "web", 2, 1, 25));
        List<ObservedReplica> all = List.of(pod(1, 1, true), pod(1, 2, true), pod(2, 1, true));

        assertThat(weights(canary, all)).isEqualTo(Map.of(1, 75, 2, 25));
        assertThat(weights(canary, List.of(pod(1, 1, true), pod(2, 1, false))))
                .as("the canary is not ready yet: its share goes to stable, its Service stays named")
                .isEqualTo(Map.of(1, 100, 2, 0));
        assertThat(weights(List.of(new ReplicaSet("shop", "web", 1, 2, 0), new ReplicaSet("shop", "web", 2, 1, 100)),
                List.of(pod(1, 1, true))))
                .as("nothing with a weight is ready: whatever runs serves").isEqualTo(Map.of(1, 100, 2, 0));
        assertThat(weights(canary, List.of())).as("nothing ready yet: as the release says").isEqualTo(Map.of(1, 75, 2, 25));
        assertThat(weights(List.of(new ReplicaSet("shop", "web", 1, 0, 0), new ReplicaSet("shop", "web", 2, 2, 100)),
                all)).as("a revision dropped to nothing leaves the route").isEqualTo(Map.of(2, 100));
    }

    @Test
    void matchRulesComeFirstAndTheWeightedRuleLast() throws Exception {
        ServiceTraffic t = new ServiceTraffic("web", web(), List.of(), List.of(
                new MatchRule(MatchRule.Kind.HEADER, "X-Canary", "always", "2"),
                new MatchRule(MatchRule.Kind.COOKIE, "canary", "yes.1", "2")));
        HTTPRoute route = HttpRouteManifests.route(RUNNER, "apps", "shop", t, Map.of(1, 75, 2, 25));

        assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(ref -> {
            assertThat(ref.getName()).isEqualTo("shared");
            assertThat(ref.getNamespace()).isEqualTo("infra");
            assertThat(ref.getSectionName()).isEqualTo("https");
            assertThat(ref.getKind()).isEqualTo("Gateway");
        });
        assertThat(route.getSpec().getHostnames()).containsExactly("shop.example.com");
        List<HTTPRouteRule> rules = route.getSpec().getRules();
        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).getMatches().get(0).getHeaders()).singleElement()
                .satisfies(h -> assertThat(h.getType() + " " + h.getName() + "=" + h.getValue())
                        .isEqualTo("Exact X-Canary=always"));
        assertThat(rules.get(0).getBackendRefs()).extracting(b -> b.getName() + ":" + b.getPort())
                .containsExactly(KubernetesNames.deployment("shop", "web", 2, RUNNER) + ":8080");
        String cookie = rules.get(1).getMatches().get(0).getHeaders().get(0).getValue();
        assertThat(Pattern.matches(cookie, "canary=yes.1")).isTrue();
        assertThat(Pattern.matches(cookie, "a=b; canary=yes.1; c=d")).isTrue();
        assertThat(Pattern.matches(cookie, "notcanary=yes.1")).isFalse();
        assertThat(Pattern.matches(cookie, "canary=yesx1")).as("the dot is no wildcard").isFalse();
        assertThat(rules.get(2).getMatches().get(0).getHeaders()).isNullOrEmpty();
        assertThat(rules.get(2).getBackendRefs()).extracting(b -> b.getName() + " " + b.getWeight())
                .containsExactly(KubernetesNames.deployment("shop", "web", 1, RUNNER) + " 75",
                        KubernetesNames.deployment("shop", "web", 2, RUNNER) + " 25");
        assertThat(KubernetesObjectCheck.problems(Serialization.asJson(route))).isEmpty();
    }

    @Test
    void eachRevisionHasAServiceSelectingItsPodsOnly() {
        Service svc = ServiceManifests.revision(RUNNER, "apps", "shop", "web", 2, 8080);

        assertThat(svc.getMetadata().getName()).isEqualTo(KubernetesNames.deployment("shop", "web", 2, RUNNER));
        assertThat(svc.getSpec().getSelector()).isEqualTo(DeploymentManifests.selector(RUNNER, "shop", "web", 2));
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort() + "->" + p.getTargetPort().getIntVal())
                .containsExactly("8080->8080");
        assertThat(KubernetesObjectCheck.problems(Serialization.asJson(svc))).isEmpty();
    }

    /** The check the ITs run on every write finds what the Gateway API CRD would refuse: it can fail. */
    @Test
    void theCheckRefusesWhatTheGatewayApiCrdRefuses() throws Exception {
        ServiceTraffic t = new ServiceTraffic("web", web(), List.of(), List.of());
        HTTPRoute route = HttpRouteManifests.route(RUNNER, "apps", "shop", t, Map.of(1, 100));
        route.getSpec().getRules().get(0).getBackendRefs().get(0).setWeight(2_000_000);
        route.getSpec().getRules().get(0).getBackendRefs().get(0).setPort(null);
        route.getSpec().setParentRefs(new ArrayList<>());
        String json = Serialization.asJson(route).replace("\"hostnames\"", "\"hostname\"");

        assertThat(KubernetesObjectCheck.problems(json)).anySatisfy(p -> assertThat(p).contains("weight 2000000"))
                .anySatisfy(p -> assertThat(p).contains("needs a port"))
                .anySatisfy(p -> assertThat(p).contains("parentRefs"))
                .anySatisfy(p -> assertThat(p).contains("unknown field(s) [hostname]"));
    }
}
