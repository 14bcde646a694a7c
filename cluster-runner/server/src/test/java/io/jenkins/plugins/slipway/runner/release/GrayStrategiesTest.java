package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Canary and blue-green passes against a simulated reconciler and clock: steps, restarts, commands, rollbacks. */
class GrayStrategiesTest {
    @TempDir
    Path dir;

    /** Web, whose release leads, and api, which follows it. */
    private static String app(String image, String release) {
        return webOnly(image, release) + """
                  api:
                    image: %s-api
                    deploy: {replicas: 2}
                    x-slipway:
                      route: {port: 8090, targetPort: 80}
                """.formatted(image);
    }

    private static String webOnly(String image, String release) {
        return """
                services:
                  web:
                    image: %s
                    deploy: {replicas: 4}
                    x-slipway:
                      route: {port: 8080, targetPort: 80}
                      release: %s
                """.formatted(image, release);
    }

    private static final String CANARY = "{strategy: canary, steps: [{setWeight: 25}, {pause: {}}, {setWeight: 50},"
            + " {pause: {duration: 10s}}]}";

    @Test
    void canaryStepsSurviveARestartAtTheSameStepAndWeightAndEndWithTheNewRevisionAlone() throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", CANARY), app("v2", CANARY))) {
            h.passUntil(Phase.Paused, 200);
            assertThat(h.release.step()).isEqualTo(2);
            assertThat(h.release.canaryWeight()).isEqualTo(25);
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 75, 2, 25));
            assertThat(h.weights("api")).as("the other service follows the lead").isEqualTo(Map.of(1, 75, 2, 25));
            assertThat(h.replicas("web")).isEqualTo(Map.of(1, 4, 2, 1));
            ReleaseEvent paused = h.events().stream().filter(e -> e.type().equals(EventTypes.RELEASE_PAUSED))
                    .findFirst().orElseThrow();
            assertThat(paused.data()).containsEntry("indefinite", true).containsEntry("until", null)
                    .containsEntry("reason", "Step");

            h.restart();
            h.now += 60_000;
            h.pass();
            h.pass();
            assertThat(h.release.phase()).isEqualTo(Phase.Paused);
            assertThat(h.release.step()).isEqualTo(2);
            assertThat(h.release.canaryWeight()).isEqualTo(25);
            assertThat(h.events().stream().filter(e -> e.type().equals(EventTypes.RELEASE_PAUSED))).hasSize(1);

            h.commands.request(h.release.id(), Command.Promote);
            h.passUntil(Phase.Paused, 200);
            assertThat(h.release.step()).isEqualTo(4);
            assertThat(h.release.canaryWeight()).isEqualTo(50);
            ReleaseEvent timed = h.events().stream().filter(e -> e.type().equals(EventTypes.RELEASE_PAUSED))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(timed.data()).containsEntry("indefinite", false).containsEntry("durationSeconds", 10);

            h.now += 10_000;
            h.passUntil(Phase.Succeeded, 200);
            assertThat(h.weights("web")).isEqualTo(Map.of(2, 100));
            assertThat(h.replicas("web")).isEqualTo(Map.of(2, 4));
            assertThat(h.replicas("api")).isEqualTo(Map.of(2, 2));
            assertThat(h.served).isEqualTo(2);
            assertThat(h.lines()).contains("ReleaseResumed pause of 10s at step 4/4 is over",
                    "TrafficShifted traffic web: rev 1 0% / rev 2 100% (4 new, 4 stable replicas)",
                    "ReplicaStopped replica web-1-4 drained and stopped", "ReplicaStopped replica api-1-2 drained and stopped");
            List<String> lines = h.lines();
            assertThat(lines.get(lines.size() - 1)).startsWith("ReleaseSucceeded");
        }
    }

    @Test
    void theAutoscalersResizeScalesBothRevisionsKeepingTheCanarysShareAndARollbackKeepsTheStableCount()
            throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", CANARY), app("v2", CANARY))) {
            h.passUntil(Phase.Paused, 200);
            assertThat(h.replicas("web")).isEqualTo(Map.of(1, 4, 2, 1));

            h.commands.resize(h.release.id(), "web", 8);
            h.pass();
            assertThat(h.replicas("web")).as("8 at full traffic: 8 stable, 25% of 8 canary").isEqualTo(Map.of(1, 8, 2, 2));
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 75, 2, 25));
            assertThat(h.replicas("api")).as("a service the autoscaler did not resize").isEqualTo(Map.of(1, 2, 2, 1));
            assertThat(h.release.phase()).as("a resize is not a promote").isEqualTo(Phase.Paused);
            assertThat(h.lines()).contains("ReleaseScaled web: scaled with the load from 4 to 8 replicas at full traffic:"
                    + " 8 stable, 2 canary at 25%");

            h.commands.request(h.release.id(), Command.Promote);
            h.passUntil(Phase.Paused, 200);
            assertThat(h.release.canaryWeight()).isEqualTo(50);
            assertThat(h.replicas("web")).as("the next step plans from the new total").isEqualTo(Map.of(1, 8, 2, 4));

            h.commands.resize(h.release.id(), "web", 6);
            h.pass();
            assertThat(h.replicas("web")).as("down with the load too").isEqualTo(Map.of(1, 6, 2, 3));

            h.abort = "test";
            h.pass();
            h.passUntil(Phase.Aborted, 200);
            assertThat(h.replicas("web")).as("the rollback restores the resized stable count, not the first one")
                    .isEqualTo(Map.of(1, 6));
            assertThat(h.replicas("api")).isEqualTo(Map.of(1, 2));
        }
    }

    @Test
    void theFinalPromotionRunsTheNewRevisionAtTheResizedTotal() throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", CANARY), app("v2", CANARY))) {
            h.passUntil(Phase.Paused, 200);
            h.commands.resize(h.release.id(), "web", 5);
            h.commands.request(h.release.id(), Command.PromoteFull);
            h.passUntil(Phase.Succeeded, 200);
            assertThat(h.replicas("web")).isEqualTo(Map.of(2, 5));
            assertThat(h.weights("web")).isEqualTo(Map.of(2, 100));
        }
    }

    @Test
    void pauseByHandHoldsAndResumeGoesOnWhilePromoteFullSkipsEverything() throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", CANARY), app("v2", CANARY))) {
            h.commands.request(h.release.id(), Command.Pause);
            h.pass();
            h.pass();
            assertThat(h.release.phase()).isEqualTo(Phase.Paused);
            assertThat(h.state().get("pauseReason").asText()).isEqualTo("User");
            h.now += 5_000;
            h.pass();
            h.pass();
            assertThat(h.release.canaryWeight()).as("held").isZero();

            h.commands.request(h.release.id(), Command.Resume);
            h.passUntil(Phase.Paused, 200);
            assertThat(h.state().get("pauseReason").asText()).isEqualTo("Step");
            assertThat(h.release.canaryWeight()).isEqualTo(25);

            h.commands.request(h.release.id(), Command.PromoteFull);
            h.passUntil(Phase.Succeeded, 200);
            assertThat(h.weights("web")).isEqualTo(Map.of(2, 100));
        }
    }

    @Test
    void aCanaryThatNeverGetsHealthyIsRolledBackTrafficFirst() throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", CANARY), app("v2", CANARY))) {
            h.unhealthy("web", 2);
            h.pass();
            h.pass();
            assertThat(h.release.canaryWeight()).isZero();
            h.now += 61_000;
            h.pass();
            assertThat(h.state().has("rollback")).isTrue();
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 100, 2, 0));
            assertThat(h.weights("api")).isEqualTo(Map.of(1, 100, 2, 0));
            h.passUntil(Phase.RolledBack, 200);
            assertThat(h.sets).extracting(s -> s.service() + "@" + s.revision()).containsExactlyInAnyOrder("web@1", "api@1");
            assertThat(h.release.message()).contains("web-2-1 (test unhealthy)").contains("not healthy after 60");
            assertThat(h.served).isEqualTo(1);
            List<String> lines = h.lines();
            assertThat(lines).contains("ReplicaStopped replica web-2-1 drained and stopped",
                    "ReplicaStopped replica api-2-1 drained and stopped");
            assertThat(lines.get(lines.size() - 1)).startsWith("ReleaseRolledBack rolled back to revision 1");
        }
    }

    @Test
    void anIdleCanaryMakesTheBackgroundAnalysisInconclusiveAndThePausesSaysWhy() throws Exception {
        String release = "{strategy: canary, analysis: {interval: 200ms, metrics: [{name: traffic, router:"
                + " {successRate: 0.99, minRequests: 5}}]}, steps: [{setWeight: 30}, {pause: {duration: 1h}}, {setWeight: 60},"
                + " {pause: {}}]}";
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", release), app("v2", release))) {
            h.passUntil(Phase.Paused, 200);
            assertThat(h.state().get("pauseReason").asText()).isEqualTo("Step");
            // The background run measures on the real clock; nobody sends traffic, so it cannot judge.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                h.pass();
                return "Inconclusive".equals(h.state().path("pauseReason").asText());
            });
            assertThat(h.release.message()).contains("background analysis inconclusive at step 2/4")
                    .contains("fewer than minRequests 5");
            ReleaseEvent paused = h.events().stream().filter(e -> e.type().equals(EventTypes.RELEASE_PAUSED))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(paused.data()).containsEntry("reason", "Inconclusive").containsEntry("indefinite", true);
            ReleaseEvent measured = h.events().stream().filter(e -> e.type().equals(EventTypes.ANALYSIS_MEASURED))
                    .findFirst().orElseThrow();
            assertThat(measured.data()).containsEntry("analysis", "background").containsEntry("verdict", "Inconclusive");
            assertThat(measured.data().get("thresholds").toString()).contains("minRequests=5");

            // Promoting accepts it: the background run starts again, the pause step is over.
            h.commands.request(h.release.id(), Command.Promote);
            h.pass();
            assertThat(h.release.phase()).isEqualTo(Phase.Progressing);
            assertThat(h.state().path("analysis").path("Background").path("status").asText()).isEqualTo("Running");
        }
    }

    @Test
    void aBackgroundHttpAnalysisProbesTheReplicasThatLaterStepsAdd() throws Exception {
        String release = "{strategy: canary, analysis: {interval: 200ms, metrics: [{name: health, http: {path: /health}}]},"
                + " steps: [{setWeight: 25}, {pause: {}}, {setWeight: 75}, {pause: {}}]}";
        List<HttpServer> replicas = new ArrayList<>();
        try (ReleaseHarness h = new ReleaseHarness(dir, webOnly("v1", release), webOnly("v2", release))) {
            for (int i = 0; i < 4; i++) {
                replicas.add(healthyReplica());
            }
            h.hostPorts = (service, revision, index) -> revision == 2
                    ? replicas.get(index - 1).getAddress().getPort() : 30000 + index;
            h.passUntil(Phase.Paused, 200);
            assertThat(h.replicas("web")).isEqualTo(Map.of(1, 4, 2, 1));
            assertThat(probedByALaterMeasurement(h)).containsExactly(endpoint(replicas.get(0)));

            // The next weight scales the canary to 3 replicas: the run that began at 25% must probe them all.
            h.commands.request(h.release.id(), Command.Promote);
            h.passUntil(Phase.Paused, 200);
            assertThat(h.replicas("web")).isEqualTo(Map.of(1, 4, 2, 3));
            assertThat(probedByALaterMeasurement(h)).containsExactlyInAnyOrder(endpoint(replicas.get(0)),
                    endpoint(replicas.get(1)), endpoint(replicas.get(2)));
            assertThat(h.state().path("analysis").path("Background").path("status").asText()).isEqualTo("Running");
        } finally {
            replicas.forEach(r -> r.stop(0));
        }
    }

    /** A new revision's replica: 200 on every path, on 127.0.0.1 and an ephemeral port. */
    private static HttpServer healthyReplica() throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String endpoint(HttpServer server) {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The replicas the background analysis probed in a measurement that began after this call: the second one
     * from now (the first may have been in flight already), each of them answered 200.
     */
    @SuppressWarnings("unchecked")
    private static Set<String> probedByALaterMeasurement(ReleaseHarness h) {
        int before = backgroundMeasurements(h).size();
        org.awaitility.Awaitility.await("two more background measurements").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> backgroundMeasurements(h).size() >= before + 2);
        ReleaseEvent latest = backgroundMeasurements(h).get(before + 1);
        Map<String, Object> values = (Map<String, Object>) latest.data().get("values");
        Map<String, Object> statuses = (Map<String, Object>) values.get("statuses");
        assertThat(statuses.values()).as(latest.message()).allMatch(status -> Integer.valueOf(200).equals(status));
        return statuses.keySet();
    }

    private static List<ReleaseEvent> backgroundMeasurements(ReleaseHarness h) {
        return h.events().stream().filter(e -> e.type().equals(EventTypes.ANALYSIS_MEASURED))
                .filter(e -> "background".equals(e.data().get("analysis"))).toList();
    }

    private static final String BLUE_GREEN = "{strategy: blueGreen, previewPort: 8081, autoPromotionSeconds: 5,"
            + " scaleDownDelaySeconds: 3}";

    @Test
    void blueGreenWaitsAutoPromotionSecondsSwitchesAtOnceAndStopsTheOldAfterTheDelay() throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", BLUE_GREEN), app("v2", BLUE_GREEN))) {
            h.passUntil(Phase.Paused, 200);
            assertThat(h.release.strategy()).isEqualTo("blueGreen");
            assertThat(h.replicas("web")).isEqualTo(Map.of(1, 4, 2, 4));
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 100, 2, 0));
            ReleaseEvent paused = h.events().stream().filter(e -> e.type().equals(EventTypes.RELEASE_PAUSED))
                    .findFirst().orElseThrow();
            assertThat(paused.data()).containsEntry("indefinite", false).containsEntry("durationSeconds", 5);
            assertThat(h.lines()).anyMatch(l -> l.startsWith("TrafficShifted preview: revision 2 of web alone on 127.0.0.1:8081"));

            h.now += 4_000;
            h.pass();
            assertThat(h.weights("web")).as("not yet").isEqualTo(Map.of(1, 100, 2, 0));
            h.now += 1_000;
            h.pass();
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 0, 2, 100));
            assertThat(h.weights("api")).isEqualTo(Map.of(1, 0, 2, 100));
            assertThat(h.release.phase()).isEqualTo(Phase.Progressing);
            assertThat(h.replicas("web")).as("the old revision stays for the delay").containsEntry(1, 4);

            h.now += 3_000;
            h.passUntil(Phase.Succeeded, 200);
            assertThat(h.replicas("web")).isEqualTo(Map.of(2, 4));
            assertThat(h.lines()).contains("ReplicaStopped replica web-1-1 drained and stopped");
            assertThat(h.release.step()).isEqualTo(4);
        }
    }

    @Test
    void aPreviewPortTheRouterCannotBindRollsBackBeforeThePreviewIsOffered() throws Exception {
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", BLUE_GREEN), app("v2", BLUE_GREEN))) {
            h.routeFailures = route -> route.equals("shop/web/preview") ? new RouteSync.RouteFailure(8081,
                    "route shop/web/preview cannot listen on 127.0.0.1:8081: bind(..) failed: Address already in use"
                            + " (is another process using the port?)", "bind(..) failed: Address already in use") : null;
            h.passUntil(Phase.RolledBack, 200);
            assertThat(h.release.message()).isEqualTo("rolled back to revision 1: service web: preview port 8081"
                    + " cannot be bound: bind(..) failed: Address already in use");
            assertThat(h.lines()).noneMatch(l -> l.startsWith("ReleasePaused"))
                    .anyMatch(l -> l.startsWith("TrafficShifted traffic web back to stable: rev 1 100% / rev 2 0%"));
            assertThat(h.sets).extracting(s -> s.service() + "@" + s.revision()).containsExactlyInAnyOrder("web@1", "api@1");
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 100));
            assertThat(h.served).isEqualTo(1);
        }
    }

    @Test
    void abortRightAfterTheSwitchSwitchesBackToTheOldRevision() throws Exception {
        String manual = "{strategy: blueGreen, autoPromotionEnabled: false, scaleDownDelaySeconds: 30}";
        try (ReleaseHarness h = new ReleaseHarness(dir, app("v1", manual), app("v2", manual))) {
            h.passUntil(Phase.Paused, 200);
            h.commands.request(h.release.id(), Command.Promote);
            h.pass();
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 0, 2, 100));
            h.abort = "smoke tests failed";
            h.pass();
            assertThat(h.weights("web")).isEqualTo(Map.of(1, 100, 2, 0));
            h.passUntil(Phase.Aborted, 200);
            assertThat(h.release.message()).contains("smoke tests failed");
            assertThat(h.sets).extracting(s -> s.service() + "@" + s.revision()).containsExactlyInAnyOrder("web@1", "api@1");
        }
    }
}
