package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code x-slipway.kubernetes}: what is read, and what a service routed through a Gateway may not ask of the
 * runner's router (each a 400 naming its key, never dropped).
 */
class KubernetesTrafficTest {
    private final ComposeParser parser = new ComposeParser(Set.of("rolling", "canary", "blueGreen"));

    private static String web(String kubernetes, String release) {
        return """
                services:
                  web:
                    image: web:1
                    x-slipway:
                      route: {port: 8000, targetPort: 8080}
                      kubernetes: %s
                      release: %s
                """.formatted(kubernetes, release);
    }

    private static final String GATEWAY = "{trafficRouter: gateway-api, gateway: {name: shared, namespace: infra}}";

    private KubernetesTraffic read(String yaml) throws ComposeException {
        return parser.parse(yaml, Map.of()).spec().services().get("web").kubernetes();
    }

    private List<String> problems(String yaml) {
        try {
            parser.parse(yaml, Map.of());
        } catch (ComposeException e) {
            return e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void aGatewayWithItsListenerAndHostnamesIsRead() throws Exception {
        KubernetesTraffic k = read(web("{trafficRouter: gateway-api, gateway: {name: shared, namespace: infra,"
                + " sectionName: https}, hostnames: [shop.example.com, \"*.shop.example.com\"]}", "{strategy: canary,"
                + " steps: [{setWeight: 25}], match: [{header: {name: X-Canary, value: always}}]}"));

        assertThat(k.gatewayApi()).isTrue();
        assertThat(k.gateway()).isEqualTo(new KubernetesTraffic.GatewayRef("shared", "infra", "https"));
        assertThat(k.hostnames()).containsExactly("shop.example.com", "*.shop.example.com");
    }

    @Test
    void withoutTheKeyOrWithRunnerTheRunnersRouterCarriesTheTraffic() throws Exception {
        assertThat(read(web("{trafficRouter: runner}", "{strategy: rolling}")).gatewayApi()).isFalse();
        assertThat(parser.parse("services: {web: {image: web:1}}", Map.of()).spec().services().get("web")
                .routedByGateway()).isFalse();
    }

    @Test
    void anUnknownRouterOrAGatewayWithoutNameIsRefused() {
        assertThat(problems(web("{trafficRouter: istio}", "{strategy: rolling}"))).containsExactly(
                "services.web.x-slipway.kubernetes.trafficRouter: must be runner or gateway-api, got istio");
        assertThat(problems(web("{trafficRouter: gateway-api}", "{strategy: rolling}"))).singleElement().asString()
                .startsWith("services.web.x-slipway.kubernetes.gateway: is required with trafficRouter: gateway-api");
        assertThat(problems(web("{trafficRouter: gateway-api, gateway: {namespace: Infra}}", "{strategy: rolling}")))
                .containsExactlyInAnyOrder("services.web.x-slipway.kubernetes.gateway.name: is required: the name of"
                                + " the Gateway",
                        "services.web.x-slipway.kubernetes.gateway.namespace: must be a namespace name (lower-case"
                                + " DNS label), got Infra");
        assertThat(problems(web("{gateway: {name: shared}, hostnames: [a.example]}", "{strategy: rolling}")))
                .extracting(p -> p.substring(0, p.indexOf(':')))
                .containsExactly("services.web.x-slipway.kubernetes.gateway",
                        "services.web.x-slipway.kubernetes.hostnames");
        assertThat(problems(web("{trafficRouter: gateway-api, gateway: {name: g}, hostnames: [\"10.0.0.1:80\"]}",
                "{strategy: rolling}"))).singleElement().asString()
                .startsWith("services.web.x-slipway.kubernetes.hostnames[0]: must be a host name");
    }

    @Test
    void stickySessionsThroughAGatewayAreRefusedNotDropped() {
        assertThat(problems(web(GATEWAY, "{strategy: canary, steps: [{setWeight: 25}], sticky: true}")))
                .singleElement().asString().startsWith("services.web.x-slipway.release.sticky: is not supported with"
                        + " trafficRouter: gateway-api: Gateway API has session persistence only in its experimental"
                        + " channel");
    }

    @Test
    void whatOnlyTheRunnersRouterMeasuresIsRefusedWithAGateway() {
        String release = """
                {strategy: canary, steps: [{setWeight: 25}, {analysis: {metrics: [
                  {name: health, http: {path: /health}},
                  {name: traffic, router: {successRate: 0.99}}]}}],
                 analysis: {metrics: [{name: errors, router: {successRate: 0.95}}]}}""".replace("\n", " ");
        assertThat(problems(web(GATEWAY, release))).extracting(p -> p.substring(0, p.indexOf(": ")))
                .containsExactlyInAnyOrder("services.web.x-slipway.release.analysis.metrics[0].router",
                        "services.web.x-slipway.release.steps[1].analysis.metrics[1].router");
        assertThat(problems(web(GATEWAY, "{strategy: blueGreen, previewPort: 8001}"))).singleElement().asString()
                .startsWith("services.web.x-slipway.release.previewPort: is a route on the runner's router");
        assertThat(problems(web(GATEWAY, "{strategy: rolling}").replace("      kubernetes:",
                "      autoscale: {min: 1, max: 3, requestsPerSecond: 10}\n      kubernetes:")))
                .singleElement().asString().startsWith("services.web.x-slipway.autoscale: is measured by the runner's"
                        + " router");
        assertThat(problems("""
                services:
                  web:
                    image: web:1
                    x-slipway:
                      kubernetes: %s
                """.formatted(GATEWAY))).singleElement().asString()
                .startsWith("services.web.x-slipway.kubernetes.trafficRouter: gateway-api needs x-slipway.route");
    }

    @Test
    void httpAndWebhookAnalysesStayAvailable() throws Exception {
        assertThat(read(web(GATEWAY, "{strategy: canary, steps: [{setWeight: 25}, {analysis: {metrics: ["
                + "{name: health, http: {path: /health}}]}}]}")).gatewayApi()).isTrue();
    }
}
