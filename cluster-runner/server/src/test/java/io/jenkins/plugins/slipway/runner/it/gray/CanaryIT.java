package io.jenkins.plugins.slipway.runner.it.gray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canary releases through a real runner process and the real engine, under bounded request loops on the route:
 * the observed split at each pause, promotion to 100% with no failed request, a failing version rolled back by
 * analysis, {@code X-Canary: always} at weight 0, and a two-service release rolled back as one.
 */
class CanaryIT {
    private static final List<String> APPS = List.of("gray-canary", "gray-failing", "gray-match", "gray-pair",
            "gray-idle");
    /** Points the observed share may differ from the weight over a window of {@link #WINDOW} answers. */
    private static final double TOLERANCE = 4.0;
    private static final int WINDOW = 600;
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String v1;
    private static String v2;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("gray-canary", 21000, 21099, APPS);
        runner = fixture.runner();
        client = fixture.client();
        v1 = GrayImages.web("v1");
        v2 = GrayImages.web("v2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String deployed(String app, String compose, Map<String, String> images) {
        DeployResponse rsp = client.deploy(app, new DeployRequest(compose, images, null));
        return rsp.release();
    }

    private static void firstRelease(String app, String compose) {
        ReleaseStatus s = Apps.awaitEnd(client, deployed(app, compose, Map.of()), Duration.ofSeconds(270));
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
    }

    @Test
    void canarySplitsTrafficAtEachPauseAndPromotesWithoutAFailedRequest() throws Exception {
        String app = "gray-canary";
        int port = RunnerProcess.freePort(21100, 21299);
        String release = """
                strategy: canary
                steps:
                  - setWeight: 25
                  - pause: {}
                  - setWeight: 50
                  - pause: {}
                """;
        String compose = GrayApps.app(GrayApps.service("web", v1, 2, port, release));
        firstRelease(app, compose);

        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(450))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            String id = deployed(app, compose, Map.of("web", v2));
            try (GrayApps.Events events = new GrayApps.Events(client, id)) {
                ReleaseStatus at25 = GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(180));
                assertThat(at25.strategy()).isEqualTo("canary");
                assertThat(at25.canaryWeight()).isEqualTo(25);
                assertSplit(load, "version v2", 25);

                // A pause step is ended by promote, not resume: 409 with the reason.
                HttpResponse<String> resume = Http.send("POST", runner.url() + "/api/v1/releases/" + id + "/resume",
                        runner.token(), "{}");
                assertThat(resume.statusCode()).isEqualTo(409);
                assertThat(resume.body()).contains("promote it to go on");

                client.promote(id, false);
                ReleaseStatus at50 = GrayApps.awaitPhase(client, id, Phase.Paused, 4, Duration.ofSeconds(180));
                assertThat(at50.canaryWeight()).isEqualTo(50);
                assertSplit(load, "version v2", 50);

                client.promote(id, false);
                ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
                assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
                assertThat(end.canaryWeight()).isEqualTo(100);
                assertSplit(load, "version v2", 100);
                load.close();
                GrayLoad.Window all = load.all();
                System.out.println("canary under load: " + all);
                assertThat(all.failures).as("failed requests out of " + all.total).isEmpty();

                List<ReleaseEvent> paused = events.ofType(EventTypes.RELEASE_PAUSED);
                assertThat(paused).hasSize(2);
                assertThat(paused.get(0).data()).containsEntry("indefinite", true).containsEntry("until", null)
                        .containsEntry("durationSeconds", null).containsEntry("canaryWeight", 25);
                assertThat(events.lines()).contains("TrafficShifted traffic web: rev 1 75% / rev 2 25% (1 new, 2 stable replicas)",
                        "TrafficShifted traffic web: rev 1 50% / rev 2 50% (1 new, 2 stable replicas)",
                        "TrafficShifted traffic web: rev 1 0% / rev 2 100% (2 new, 2 stable replicas)");
                assertThat(events.lines()).anyMatch(l -> l.startsWith("StepStarted step 1/4: setWeight 25"));
            }
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(app).equals(List.of(
                "slipway-gray-canary-web-2-1 2 running", "slipway-gray-canary-web-2-2 2 running")));
        String metrics = Http.send("GET", runner.url() + "/metrics", null, null).body();
        assertThat(metrics).contains("slipway_router_requests_total{code_class=\"2xx\",revision=\"2\",route=\"gray-canary/web\"}");
    }

    /** The share of {@code body} over the next window of answers is the weight, within the tolerance. */
    private static void assertSplit(GrayLoad load, String body, int weight) {
        // Answers already on their way when the weight changed belong to the previous split.
        int from = load.mark() + 20;
        load.awaitAnswers(from, WINDOW, Duration.ofSeconds(180));
        GrayLoad.Window w = load.window(from);
        System.out.println("weight " + weight + "%: " + w);
        assertThat(w.failures).as(w.toString()).isEmpty();
        assertThat(w.percent(body)).as(w.toString()).isBetween(weight - TOLERANCE, weight + TOLERANCE);
    }

    @Test
    void failingVersionIsRolledBackByAnalysisWithTrafficBackOnStable() throws Exception {
        String app = "gray-failing";
        int port = RunnerProcess.freePort(21300, 21499);
        String release = """
                strategy: canary
                steps:
                  - setWeight: 20
                  - analysis:
                      interval: 2s
                      count: 3
                      metrics:
                        - name: traffic
                          router: {successRate: 0.95, maxP99Ms: 2000, minRequests: 3}
                  - setWeight: 60
                  - pause: {}
                """;
        String compose = GrayApps.app(GrayApps.service("web", v1, 2, port, release));
        firstRelease(app, compose);
        String bad = GrayImages.failing("bad");

        try (GrayLoad load = new GrayLoad(port, 4, 20_000, Duration.ofSeconds(360))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            int from = load.mark();
            String id = deployed(app, compose, Map.of("web", bad));
            try (GrayApps.Events events = new GrayApps.Events(client, id)) {
                ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(270));
                GrayLoad.Window during = load.window(from);
                assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
                assertThat(end.message()).contains("analysis").contains("FAILED");
                System.out.println("failing canary window: " + during);
                assertThat(during.failures.size()).as(during.toString()).isPositive()
                        .isLessThanOrEqualTo((int) Math.ceil(during.total * 0.20) + 4);

                // Traffic is back on stable: every answer is v1.
                int after = load.mark();
                load.awaitAnswers(after, 300, Duration.ofSeconds(90));
                GrayLoad.Window back = load.window(after);
                assertThat(back.failures).as(back.toString()).isEmpty();
                assertThat(back.byBody).containsOnlyKeys("version v1");

                List<ReleaseEvent> measured = events.ofType(EventTypes.ANALYSIS_MEASURED);
                assertThat(measured).isNotEmpty();
                Map<String, Object> data = measured.get(0).data();
                assertThat(data).containsEntry("metric", "traffic").containsEntry("verdict", "Failed");
                assertThat(((Map<?, ?>) data.get("values")).keySet()).map(String::valueOf).contains("requests", "failures", "successRate", "p99Ms");
                assertThat((Map<?, ?>) data.get("thresholds")).isNotEmpty();
                assertThat(measured.get(0).message()).contains("traffic #1/3").contains("FAILED");
                List<String> lines = events.lines();
                int rollback = indexOf(lines, "RollbackStarted");
                int shifted = indexOf(lines, "TrafficShifted traffic web back to stable: rev 1 100% / rev 2 0%");
                assertThat(shifted).isGreaterThan(rollback);
                assertThat(lines.get(lines.size() - 1)).startsWith("ReleaseRolledBack rolled back to revision 1");
            }
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(app).equals(List.of(
                "slipway-gray-failing-web-1-1 1 running", "slipway-gray-failing-web-1-2 1 running")));
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no event " + prefix + " in " + lines);
    }

    @Test
    void headerMatchReachesTheCanaryAtWeightZeroAndStickyKeepsAClientOnItsRevision() throws Exception {
        String app = "gray-match";
        int port = RunnerProcess.freePort(21500, 21699);
        String release = """
                strategy: canary
                sticky: true
                match:
                  - header: {name: X-Canary, value: always}
                steps:
                  - setCanaryScale: {replicas: 1}
                  - setWeight: 0
                  - pause: {}
                  - setWeight: 50
                  - pause: {}
                """;
        String compose = GrayApps.app(GrayApps.service("web", v1, 2, port, release));
        firstRelease(app, compose);
        String id = deployed(app, compose, Map.of("web", v2));
        ReleaseStatus paused = GrayApps.awaitPhase(client, id, Phase.Paused, 3, Duration.ofSeconds(180));
        assertThat(paused.canaryWeight()).isZero();

        try (GrayLoad testers = new GrayLoad(port, 2, 200, Duration.ofSeconds(90), Map.of("X-Canary", "always"));
             GrayLoad users = new GrayLoad(port, 2, 200, Duration.ofSeconds(90))) {
            testers.awaitAnswers(0, 200, Duration.ofSeconds(90));
            users.awaitAnswers(0, 200, Duration.ofSeconds(90));
            assertThat(testers.all().byBody).as(testers.all().toString()).containsOnly(Map.entry("version v2", 200));
            assertThat(users.all().byBody).as(users.all().toString()).containsOnly(Map.entry("version v1", 200));
        }

        client.promote(id, false);
        assertThat(GrayApps.awaitPhase(client, id, Phase.Paused, 5, Duration.ofSeconds(180)).canaryWeight()).isEqualTo(50);
        for (int c = 0; c < 4; c++) {
            // A new client is assigned a revision by weight and keeps it: every later request, same version.
            HttpResponse<String> first = Http.get("http://127.0.0.1:" + port + "/");
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(cookie).startsWith("slipway-rev-");
            for (int i = 0; i < 25; i++) {
                HttpResponse<String> next = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/")).header("Cookie", cookie)
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(next.body()).as("client with " + cookie).isEqualTo(first.body());
            }
        }
        client.abort(id, "testers found a bug");
        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
        assertThat(end.phase()).isEqualTo(Phase.Aborted);
        assertThat(end.message()).contains("testers found a bug");
        // After the abort the header no longer leads anywhere but stable.
        try (GrayLoad testers = new GrayLoad(port, 2, 100, Duration.ofSeconds(90), Map.of("X-Canary", "always"))) {
            testers.awaitAnswers(0, 100, Duration.ofSeconds(90));
            assertThat(testers.all().byBody).containsOnly(Map.entry("version v1", 100));
        }
        HttpResponse<String> again = Http.send("POST", runner.url() + "/api/v1/releases/" + id + "/promote",
                runner.token(), "{\"full\": true}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already ended");
    }

    @Test
    void tooLittleTrafficPausesTheReleaseAndSaysWhy() throws Exception {
        String app = "gray-idle";
        int port = RunnerProcess.freePort(21900, 21999);
        String release = """
                strategy: canary
                steps:
                  - setWeight: 50
                  - analysis:
                      interval: 1s
                      count: 2
                      metrics:
                        - name: traffic
                          router: {successRate: 0.99, minRequests: 50}
                """;
        String compose = GrayApps.app(GrayApps.service("web", v1, 1, port, release));
        firstRelease(app, compose);
        String id = deployed(app, compose, Map.of("web", v2));
        try (GrayApps.Events events = new GrayApps.Events(client, id)) {
            ReleaseStatus paused = GrayApps.awaitPhase(client, id, Phase.Paused, 2, Duration.ofSeconds(180));
            assertThat(paused.message()).contains("inconclusive").contains("fewer than minRequests 50");
            await().atMost(Duration.ofSeconds(30)).until(() -> !events.ofType(EventTypes.RELEASE_PAUSED).isEmpty());
            assertThat(events.ofType(EventTypes.RELEASE_PAUSED).get(0).data())
                    .containsEntry("reason", "Inconclusive").containsEntry("indefinite", true);
            assertThat(events.ofType(EventTypes.ANALYSIS_MEASURED).get(0).data()).containsEntry("verdict", "Inconclusive");

            // Resume measures again (still idle: inconclusive again); promote accepts and goes on to the end.
            client.resume(id);
            await("measured again").atMost(Duration.ofSeconds(90))
                    .until(() -> events.ofType(EventTypes.ANALYSIS_MEASURED).size() >= 2
                            && client.release(id).phase() == Phase.Paused);
            client.promote(id, false);
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        }
    }

    @Test
    void twoServiceReleaseRollsBothBack() throws Exception {
        String app = "gray-pair";
        int webPort = RunnerProcess.freePort(21700, 21799);
        int apiPort = RunnerProcess.freePort(21800, 21899);
        String canary = """
                strategy: canary
                steps:
                  - setWeight: 30
                  - analysis:
                      interval: 2s
                      count: 3
                      metrics:
                        - name: traffic
                          router: {successRate: 0.95, minRequests: 3}
                  - pause: {}
                """;
        String compose = GrayApps.app(GrayApps.service("web", v1, 1, webPort, canary),
                GrayApps.service("api", v1, 1, apiPort, "strategy: rolling"));
        firstRelease(app, compose);
        String bad = GrayImages.failing("bad");

        try (GrayLoad web = new GrayLoad(webPort, 4, 10_000, Duration.ofSeconds(360));
             GrayLoad api = new GrayLoad(apiPort, 4, 10_000, Duration.ofSeconds(360))) {
            web.awaitAnswers(0, 20, Duration.ofSeconds(60));
            api.awaitAnswers(0, 20, Duration.ofSeconds(60));
            String id = deployed(app, compose, Map.of("web", v2, "api", bad));
            ReleaseStatus moving = client.release(id);
            assertThat(moving.strategy()).isEqualTo("canary");
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(270));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);

            int w = web.mark();
            int a = api.mark();
            web.awaitAnswers(w, 100, Duration.ofSeconds(90));
            api.awaitAnswers(a, 100, Duration.ofSeconds(90));
            assertThat(web.window(w).byBody).containsOnlyKeys("version v1");
            assertThat(api.window(a).byBody).containsOnlyKeys("version v1");
            assertThat(api.window(a).failures).isEmpty();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(app).equals(List.of(
                "slipway-gray-pair-api-1-1 1 running", "slipway-gray-pair-web-1-1 1 running")));
    }
}
