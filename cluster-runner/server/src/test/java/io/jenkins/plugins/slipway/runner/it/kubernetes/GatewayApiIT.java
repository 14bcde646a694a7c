package io.jenkins.plugins.slipway.runner.it.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import io.jenkins.plugins.slipway.runner.it.gray.GrayApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code x-slipway.kubernetes.trafficRouter: gateway-api}: a real runner process whose canary moves the weights of an
 * HTTPRoute's backendRefs, one Service per revision, against the mock API server of {@link MockCluster} (whose
 * writes {@link CheckingDispatcher} checks against fabric8's Gateway API model and the CRD's rules). No Gateway
 * runs here: what is asserted is what the runner writes for one, step by step.
 */
class GatewayApiIT {
    private static ItCluster cluster;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-runners")), "gateway-");
        cluster = ItCluster.start(dir);
        runner = RunnerProcess.start("gateway", 25000, 25099,
                List.of("--engine", "kubernetes", "--kubeconfig", cluster.kubeconfig().toString(),
                        "--namespace", cluster.namespace()));
        client = runner.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyWriteWasValid() {
        assertThat(cluster.problems()).as("objects the API server would refuse").isEmpty();
    }

    /**
     * The route's port is the app's own (ports are an app's across the runner) but never listened on: a Gateway, not
     * the runner's router, carries this traffic.
     */
    private static final Map<String, Integer> ROUTE_PORTS = Map.of("k-gateway", 25100, "k-gw-refused", 25101,
            "k-gw-not-accepted", 25102);

    private static String compose(String app, String image, String release) {
        return """
                services:
                  %s:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: 2
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                      kubernetes:
                        trafficRouter: gateway-api
                        gateway: {name: shared-gateway, namespace: infra, sectionName: http}
                        hostnames: [%s.example.com]
                      release:
                %s""".formatted(app, image, ROUTE_PORTS.get(app), app, release.stripIndent().lines()
                .map(l -> "        " + l + "\n").collect(Collectors.joining()));
    }

    private static final String CANARY = """
            strategy: canary
            match:
              - header: {name: X-Canary, value: always}
            steps:
              - setWeight: 25
              - pause: {}
            """;

    private static String deploy(String app, String compose) {
        return client.deploy(app, new DeployRequest(compose, Map.of(), null)).release();
    }

    private static HTTPRoute route(String app) {
        List<HTTPRoute> routes = cluster.client().resources(HTTPRoute.class).inNamespace(cluster.namespace())
                .withLabel("io.slipway.app", app).list().getItems();
        assertThat(routes).as("HTTPRoutes of " + app).hasSizeLessThanOrEqualTo(1);
        return routes.isEmpty() ? null : routes.get(0);
    }

    /** The revision Services of the app, by name. */
    private static Map<String, Service> revisionServices(String app) {
        return cluster.client().services().inNamespace(cluster.namespace()).withLabel("io.slipway.app", app)
                .withLabel("io.slipway.traffic", "gateway-api").list().getItems().stream()
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s, (a, b) -> a, TreeMap::new));
    }

    /** The weighted rule's backendRefs as revision to weight, each revision read from its Service; empty: none. */
    private static Map<Integer, Integer> weights(String app) {
        HTTPRoute route = route(app);
        if (route == null) {
            return Map.of();
        }
        Map<String, Service> services = revisionServices(app);
        List<HTTPRouteRule> rules = route.getSpec().getRules();
        Map<Integer, Integer> out = new TreeMap<>();
        rules.get(rules.size() - 1).getBackendRefs().forEach(b -> {
            Service svc = services.get(b.getName());
            out.put(svc == null ? -1 : Integer.parseInt(svc.getSpec().getSelector().get("io.slipway.revision")),
                    b.getWeight());
        });
        return out;
    }

    private static void awaitWeights(String app, Map<Integer, Integer> expected) {
        await("HTTPRoute of " + app + " at " + expected).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> weights(app).equals(expected));
    }

    /** The revisions whose Services exist, each checked to select that revision's pods of the app alone. */
    private static List<Integer> serviceRevisions(String app) {
        return revisionServices(app).values().stream().map(s -> {
            Map<String, String> selector = s.getSpec().getSelector();
            assertThat(selector).containsEntry("io.slipway.app", app).containsKeys("io.slipway.runner",
                    "io.slipway.service", "io.slipway.revision");
            assertThat(s.getSpec().getPorts()).extracting(p -> p.getPort() + "->" + p.getTargetPort().getIntVal())
                    .containsExactly("8080->8080");
            assertThat(cluster.pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .filter(p -> p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())))
                    .as("pods selected by " + s.getMetadata().getName())
                    .allSatisfy(p -> assertThat(p.getMetadata().getLabels().get("io.slipway.revision"))
                            .isEqualTo(selector.get("io.slipway.revision")));
            return Integer.parseInt(selector.get("io.slipway.revision"));
        }).sorted().toList();
    }

    @Test
    void aCanaryMovesTheHttpRouteFrom25To100AndAnAbortPutsItBack() {
        String app = "k-gateway";
        ReleaseStatus first = Apps.awaitEnd(client, deploy(app, compose(app, cluster.image("v1"), CANARY)),
                Duration.ofSeconds(180));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);
        awaitWeights(app, Map.of(1, 100));
        HTTPRoute route = route(app);
        assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(ref ->
                assertThat(ref.getNamespace() + "/" + ref.getName() + "#" + ref.getSectionName())
                        .isEqualTo("infra/shared-gateway#http"));
        assertThat(route.getSpec().getHostnames()).containsExactly(app + ".example.com");
        assertThat(serviceRevisions(app)).containsExactly(1);
        assertThat(Http.get("http://127.0.0.1:" + ROUTE_PORTS.get(app) + "/"))
                .as("the runner's router does not listen for a service a Gateway carries").isNull();

        String id = deploy(app, compose(app, cluster.image("v2"), CANARY));
        ReleaseStatus at25 = GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(120));
        assertThat(at25.canaryWeight()).isEqualTo(25);
        awaitWeights(app, Map.of(1, 75, 2, 25));
        assertThat(serviceRevisions(app)).containsExactly(1, 2);
        List<HTTPRouteRule> rules = route(app).getSpec().getRules();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getMatches().get(0).getHeaders()).extracting(h -> h.getName() + "=" + h.getValue())
                .containsExactly("X-Canary=always");
        assertThat(rules.get(0).getBackendRefs()).singleElement()
                .satisfies(b -> assertThat(revisionServices(app).get(b.getName()).getSpec().getSelector())
                        .containsEntry("io.slipway.revision", "2"));
        cluster.writes("PUT httproutes").ifPresent(n -> assertThat(n).as("weights replaced").isPositive());
        cluster.writes("PATCH httproutes").ifPresent(n -> assertThat(n).as("no patch, no apply").isZero());

        client.promote(id, false);
        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        awaitWeights(app, Map.of(2, 100));
        await("the Service of revision 1 goes once the route no longer names it").atMost(Duration.ofSeconds(60))
                .until(() -> serviceRevisions(app).equals(List.of(2)));
        assertThat(route(app).getSpec().getRules()).as("no match rule once released").hasSize(1);

        String third = deploy(app, compose(app, cluster.image("v1"), CANARY));
        GrayApps.awaitPhase(client, third, Phase.Paused, 2, Duration.ofSeconds(120));
        awaitWeights(app, Map.of(2, 75, 3, 25));
        client.abort(third, "testers found a bug");
        ReleaseStatus aborted = Apps.awaitEnd(client, third, Duration.ofSeconds(120));
        assertThat(aborted.phase()).as(aborted.message()).isEqualTo(Phase.Aborted);
        awaitWeights(app, Map.of(2, 100));
        await("the canary's Service goes with it").atMost(Duration.ofSeconds(60))
                .until(() -> serviceRevisions(app).equals(List.of(2)));

        client.deleteApp(app);
        await("no HTTPRoute, Service or any other object of " + app + " left").atMost(Duration.ofSeconds(60))
                .until(() -> cluster.objects().stream().noneMatch(o -> o.contains(app)));
        assertThat(route(app)).isNull();
    }

    /**
     * The Gateway's controller says it does not take the route (here the test writes the status a controller would):
     * the canary's weights are carried by nothing, so the release rolls back and says which Gateway refused and why.
     */
    @Test
    void aRouteItsGatewayRefusedRollsTheCanaryBack() {
        String app = "k-gw-not-accepted";
        ReleaseStatus first = Apps.awaitEnd(client, deploy(app, compose(app, cluster.image("v1"), CANARY)),
                Duration.ofSeconds(180));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);
        String id = deploy(app, compose(app, cluster.image("v2"), CANARY));
        GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(120));
        awaitWeights(app, Map.of(1, 75, 2, 25));

        HTTPRoute route = route(app);
        route.setStatus(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder().addNewParent()
                .withControllerName("example.com/gateway-controller")
                .withNewParentRef().withName("shared-gateway").withNamespace("infra").withSectionName("http").endParentRef()
                .addToConditions(new io.fabric8.kubernetes.api.model.ConditionBuilder().withType("Accepted")
                        .withStatus("False").withReason("NotAllowedByListeners")
                        .withMessage("listener http allows routes from namespace infra only")
                        .withObservedGeneration(route.getMetadata().getGeneration())
                        .withLastTransitionTime("2026-12-02T00:00:00Z").build())
                .endParent().build());
        cluster.client().resources(HTTPRoute.class).inNamespace(cluster.namespace()).resource(route).updateStatus();

        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
        assertThat(end.message()).contains("route of " + app + " not in force: HTTPRoute ",
                ": Gateway infra/shared-gateway did not accept it (NotAllowedByListeners: listener http allows routes"
                        + " from namespace infra only)");
        awaitWeights(app, Map.of(1, 100));

        client.deleteApp(app);
        await("no object of " + app + " left").atMost(Duration.ofSeconds(60))
                .until(() -> cluster.objects().stream().noneMatch(o -> o.contains(app)));
    }

    /** What a Gateway cannot do is a 400 at deploy and at validation, naming the key; nothing is written. */
    @Test
    void whatAGatewayCannotCarryIsRefusedAtDeployAndNothingIsWritten() {
        String app = "k-gw-refused";
        List<String> before = cluster.objects();
        String sticky = compose(app, cluster.image("v1"), CANARY + "sticky: true\n");
        String routerMetric = compose(app, cluster.image("v1"), """
                strategy: canary
                steps:
                  - setWeight: 25
                  - analysis:
                      metrics:
                        - name: traffic
                          router: {successRate: 0.95}
                """);
        assertRefused(app, new DeployRequest(sticky, Map.of(), null), "services." + app + ".x-slipway.release.sticky");
        assertRefused(app, new DeployRequest(routerMetric, Map.of(), null),
                "services." + app + ".x-slipway.release.steps[1].analysis.metrics[0].router");
        assertThat(client.apps()).extracting(AppStatus::name).doesNotContain(app);
        assertThat(cluster.objects()).as("objects after refused deploys").isEqualTo(before);
    }

    private static void assertRefused(String app, DeployRequest request, String path) {
        assertThatThrownBy(() -> client.deploy(app, request)).isInstanceOfSatisfying(RunnerException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.error().problems()).extracting(ApiError.Problem::path).containsExactly(path);
        });
        assertThatThrownBy(() -> client.validate(app, request)).isInstanceOfSatisfying(RunnerException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }
}
