package io.jenkins.plugins.slipway.runner.it.gray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A blue-green release under a bounded request loop: preview, wait for promotion, atomic switch, no failed request. */
class BlueGreenIT {
    private static final String APP = "gray-bluegreen";
    private static final String CHECKED = "gray-bg-checked";
    private static final String TAKEN = "gray-bg-taken";
    private static final List<String> APPS = List.of(APP, CHECKED, TAKEN);
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("gray-bluegreen", 21000, 21099, APPS);
        runner = fixture.runner();
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void prePromotionAnalysisRollsBackAFailingRevisionAndAutoPromotesAPassingOne() throws Exception {
        int port = RunnerProcess.freePort(21100, 21899);
        String v1 = GrayImages.web("v1");
        String v2 = GrayImages.web("v2");
        String v3 = GrayImages.web("v3");
        String release = """
                strategy: blueGreen
                scaleDownDelaySeconds: 1
                prePromotionAnalysis:
                  interval: 1s
                  count: 2
                  metrics:
                    - name: smoke
                      http: {path: %s, expectStatus: 200, timeout: 2s}
                """;
        String good = GrayApps.app(GrayApps.service("web", v1, 2, port, release.formatted("/health")));
        ReleaseStatus first = Apps.awaitEnd(client, client.deploy(CHECKED, new DeployRequest(good, Map.of(), null)).release(),
                Duration.ofSeconds(270));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);

        // The check asks for a page the new revision does not have: it fails, the switch never happens.
        String missing = GrayApps.app(GrayApps.service("web", v2, 2, port, release.formatted("/missing")));
        try (GrayLoad load = new GrayLoad(port, 2, 5_000, Duration.ofSeconds(270))) {
            String id = client.deploy(CHECKED, new DeployRequest(missing, Map.of(), null)).release();
            try (GrayApps.Events events = new GrayApps.Events(client, id)) {
                ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
                assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
                assertThat(end.message()).contains("pre-promotion analysis failed").contains("/missing");
                assertThat(events.ofType(EventTypes.ANALYSIS_MEASURED).get(0).data()).containsEntry("provider", "http")
                        .containsEntry("verdict", "Failed");
            }
            load.close();
            assertThat(load.all().byBody).as(load.all().toString()).containsOnlyKeys("version v1");
            assertThat(load.all().failures).isEmpty();
        }

        // A passing check and no promotion gate: the switch happens by itself.
        String passing = GrayApps.app(GrayApps.service("web", v3, 2, port, release.formatted("/health")));
        String id = client.deploy(CHECKED, new DeployRequest(passing, Map.of(), null)).release();
        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v3");
    }

    /**
     * Deploys {@code app} at {@code image} (its first release), with a blue-green release whose next revision is
     * previewed on {@code preview} and waits to be promoted; returns the compose file.
     */
    private static String servingWithAPreviewAndManualPromotion(String app, String image, int port, int preview) {
        String release = """
                strategy: blueGreen
                previewPort: %d
                autoPromotionEnabled: false
                scaleDownDelaySeconds: 2
                """.formatted(preview);
        String compose = GrayApps.app(GrayApps.service("web", image, 2, port, release));
        ReleaseStatus first = Apps.awaitEnd(client, client.deploy(app, new DeployRequest(compose, Map.of(), null)).release(),
                Duration.ofSeconds(270));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);
        return compose;
    }

    @Test
    void aPreviewPortThatCannotBeBoundRollsBackWhileTheStableRevisionKeepsServing() throws Exception {
        int port = RunnerProcess.freePort(21100, 21899);
        String v1 = GrayImages.web("v1");
        String v2 = GrayImages.web("v2");
        // Another process holds the preview port on the address the router binds.
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int preview = squatter.getLocalPort();
            String compose = servingWithAPreviewAndManualPromotion(TAKEN, v1, port, preview);

            // One client, bounded by time rather than by count: it must still be asking after the rollback.
            try (GrayLoad load = new GrayLoad(port, 1, 200_000, Duration.ofSeconds(270))) {
                load.awaitAnswers(0, 20, Duration.ofSeconds(60));
                String id = client.deploy(TAKEN, new DeployRequest(compose, Map.of("web", v2), null)).release();
                try (GrayApps.Events events = new GrayApps.Events(client, id)) {
                    ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
                    assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
                    await("the events up to the end").atMost(Duration.ofSeconds(30))
                            .until(() -> !events.ofType(EventTypes.RELEASE_ROLLED_BACK).isEmpty());
                    assertThat(end.message()).contains("service web: preview port " + preview + " cannot be bound: ")
                            .contains("Address already in use");
                    assertThat(events.ofType(EventTypes.ROLLBACK_STARTED)).singleElement()
                            .satisfies(e -> assertThat(e.message()).contains("preview port " + preview));
                    assertThat(events.ofType(EventTypes.RELEASE_PAUSED)).as("never offered for promotion").isEmpty();
                }
                int after = load.mark();
                load.awaitAnswers(after, 20, Duration.ofSeconds(60));
                load.close();
                assertThat(load.all().byBody).as(load.all().toString()).containsOnlyKeys("version v1");
                assertThat(load.all().failures).isEmpty();
            }
            await("the new revision stopped").atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(TAKEN)
                    .equals(List.of("slipway-gray-bg-taken-web-1-1 1 running", "slipway-gray-bg-taken-web-1-2 1 running")));
            assertThat(client.app(TAKEN).revision()).isEqualTo(1);
            assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v1");
        }
    }

    @Test
    void previewThenAtomicSwitchWithoutAFailedRequest() throws Exception {
        int port = RunnerProcess.freePort(21100, 21899);
        int preview = RunnerProcess.freePort(21900, 21999);
        String v1 = GrayImages.web("v1");
        String v2 = GrayImages.web("v2");
        String compose = servingWithAPreviewAndManualPromotion(APP, v1, port, preview);

        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(360))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            String id = client.deploy(APP, new DeployRequest(compose, Map.of("web", v2), null)).release();
            try (GrayApps.Events events = new GrayApps.Events(client, id)) {
                ReleaseStatus waiting = GrayApps.awaitPhase(client, id, Phase.Paused, 3, Duration.ofSeconds(180));
                assertThat(waiting.strategy()).isEqualTo("blueGreen");
                assertThat(waiting.canaryWeight()).isZero();

                // Before the switch: the preview serves v2 alone, the route v1 alone.
                try (GrayLoad onPreview = new GrayLoad(preview, 2, 100, Duration.ofSeconds(90))) {
                    onPreview.awaitAnswers(0, 100, Duration.ofSeconds(90));
                    assertThat(onPreview.all().byBody).containsOnly(Map.entry("version v2", 100));
                }
                int before = load.mark();
                load.awaitAnswers(before, 200, Duration.ofSeconds(90));
                assertThat(load.window(before).byBody).containsOnlyKeys("version v1");

                HttpResponse<String> resume = Http.send("POST", runner.url() + "/api/v1/releases/" + id + "/resume",
                        runner.token(), "{}");
                assertThat(resume.statusCode()).isEqualTo(409);

                client.promote(id, false);
                ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
                assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
                int after = load.mark();
                load.awaitAnswers(after, 200, Duration.ofSeconds(90));
                assertThat(load.window(after).byBody).containsOnlyKeys("version v2");
                load.close();
                GrayLoad.Window all = load.all();
                System.out.println("blue-green under load: " + all);
                assertThat(all.failures).as("failed requests out of " + all.total).isEmpty();

                List<ReleaseEvent> paused = events.ofType(EventTypes.RELEASE_PAUSED);
                assertThat(paused).hasSize(1);
                assertThat(paused.get(0).data()).containsEntry("indefinite", true);
                assertThat(events.lines()).contains("TrafficShifted traffic web: rev 1 0% / rev 2 100% (2 new, 2 stable replicas)");
            }
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-gray-bluegreen-web-2-1 2 running", "slipway-gray-bluegreen-web-2-2 2 running")));
        assertThat(Http.get("http://127.0.0.1:" + preview + "/")).as("the preview route is gone").isNull();
    }
}
