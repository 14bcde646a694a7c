package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The autoscaler and a canary in progress do not fight: the load rises while a canary is paused at 50%, both
 * revisions scale (the stable one to the total the load needs, the canary to its weight's share of it), the traffic
 * split stays at the weight, no request fails, and the final promotion runs the new revision at the total the load
 * reached.
 */
class CanaryAutoscaleIT {
    private static final String APP = "it-autoscale-canary";
    /** Six times the rate target of 25 per replica: HPA asks for 6, the policy's max. */
    private static final int LOAD_PER_SECOND = 150;
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("autoscale-canary", List.of(APP), "v1", "v2");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String compose(String image, int routePort) {
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: 1
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                      release: {strategy: canary, steps: [{setWeight: 50}, {pause: {}}]}
                      autoscale:
                        min: 1
                        max: 6
                        requestsPerSecond: 25
                        inFlight: 4
                """.formatted(image, routePort);
    }

    @Test
    void bothRevisionsScaleWithTheLoadAndTheCanaryKeepsItsShare() throws Exception {
        int port = RunnerProcess.freePort(24300, 24399);
        DeployResponse first = client.deploy(APP, new DeployRequest(compose(fixture.image("v1"), port), Map.of(), null));
        assertThat(Apps.awaitEnd(client, first.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
        DeployResponse canary = client.deploy(APP, new DeployRequest(compose(fixture.image("v2"), port), Map.of(), null));
        await("the canary paused at 50%").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> client.release(canary.release()).phase() == Phase.Paused);
        int stableRevision = first.revision();
        int canaryRevision = canary.revision();
        assertThat(desired(stableRevision)).isEqualTo(1);
        assertThat(desired(canaryRevision)).isEqualTo(1);

        long rise = System.nanoTime();
        try (LoadLoop load = LoadLoop.paced(port, 48, LOAD_PER_SECOND, LOAD_PER_SECOND * 90, Duration.ofSeconds(90))) {
            await("both revisions scaled: 3+ stable and 2+ canary replicas ready").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> ready(stableRevision) >= 3 && ready(canaryRevision) >= 2);
            System.out.printf("CanaryAutoscaleIT: %d stable and %d canary replicas ready %.1f s after the load rose to"
                            + " %d req/s%n", ready(stableRevision), ready(canaryRevision),
                    (System.nanoTime() - rise) / 1e9, LOAD_PER_SECOND);

            // The split measured over a window at the new size, against the canary's weight.
            Map<String, Integer> before = load.bodies();
            int sent = load.requests();
            await("load goes on at the new size").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> load.requests() >= sent + 600);
            Map<String, Integer> window = minus(load.bodies(), before);
            int v1 = window.getOrDefault("version v1", 0);
            int v2 = window.getOrDefault("version v2", 0);
            double share = 100.0 * v2 / (v1 + v2);
            int stable = desired(stableRevision);
            int canaryReplicas = desired(canaryRevision);
            System.out.printf("CanaryAutoscaleIT: %d answers in the window, %.1f%% from the canary (weight 50%%);"
                    + " replicas %d stable, %d canary%n", v1 + v2, share, stable, canaryReplicas);
            assertThat(share).as("the canary's share of traffic").isBetween(40.0, 60.0);
            assertThat(stable).as("the stable revision runs the total the load needs").isBetween(3, 6);
            assertThat(canaryReplicas).as("the canary's share of replicas: half the total, rounded up")
                    .isEqualTo((stable + 1) / 2);
            assertThat(client.app(APP).services().get(0).weights())
                    .isEqualTo(Map.of(String.valueOf(stableRevision), 50, String.valueOf(canaryRevision), 50));
            load.close();
            assertThat(load.failures()).as("failed requests while both revisions scaled").isEmpty();
            System.out.printf("CanaryAutoscaleIT: %d requests, none failed%n", load.requests());
        }

        List<JsonNode> decisions = Apps.appEvents(fixture.runner(), APP).stream()
                .filter(e -> e.path("type").asText().equals(EventTypes.AUTOSCALED)).toList();
        assertThat(decisions).as("the autoscaler's decisions during the canary").isNotEmpty();
        assertThat(decisions.get(0).path("data").path("release").asText()).isEqualTo(canary.release());
        assertThat(decisions.get(0).path("message").asText()).contains("is a canary at 50%");
        assertThat(client.release(canary.release()).phase()).as("a resize is not a promote").isEqualTo(Phase.Paused);
        // The promotion comes after the load has left the measure window: what keeps the total after it is the
        // scale-down window's history, not a load still measured.
        await("no load measured any more").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> web().autoscale().measured().getOrDefault("requestsPerSecond", -1.0) == 0.0);
        int total = desired(stableRevision);

        client.promote(canary.release(), true);
        assertThat(Apps.awaitEnd(client, canary.release(), Duration.ofSeconds(90)).phase()).isEqualTo(Phase.Succeeded);
        assertThat(web().replicaSets()).extracting(AppStatus.ReplicaSetStatus::revision).containsExactly(canaryRevision);
        assertThat(desired(canaryRevision)).as("the new revision runs the total the load reached").isEqualTo(total);
        // The autoscaler decides again once the release has ended, with no load: its 300 s scale-down window still
        // holds the peak, so the count stays over several of its one-second passes.
        await("autoscaling goes on after the release").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> web().autoscale().held() == null);
        await("the total kept after the release").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> desired(canaryRevision) == total);
    }

    private static AppStatus.ServiceStatus web() {
        return client.app(APP).services().get(0);
    }

    private static int desired(int revision) {
        return set(revision).map(AppStatus.ReplicaSetStatus::desired).orElse(0);
    }

    private static int ready(int revision) {
        return set(revision).map(s -> (int) s.replicas().stream().filter(r -> r.health().equals("healthy")).count())
                .orElse(0);
    }

    private static java.util.Optional<AppStatus.ReplicaSetStatus> set(int revision) {
        return web().replicaSets().stream().filter(s -> s.revision() == revision).findFirst();
    }

    private static Map<String, Integer> minus(Map<String, Integer> after, Map<String, Integer> before) {
        Map<String, Integer> out = new HashMap<>(after);
        before.forEach((body, n) -> out.merge(body, -n, Integer::sum));
        return out;
    }
}
