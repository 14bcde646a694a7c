package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A rolling update under a bounded request loop: no request fails, and the new version serves at the end. */
class RollingUpdateIT {
    private static final String APP = "it-rolling";
    private static final String MULTI = "it-multi";
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("rolling", List.of(APP, MULTI), "v1", "v2");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void severalServicesChangeInOneReleaseAndARemovedServiceGoes() throws Exception {
        String app = MULTI;
        int web = RunnerProcess.freePort(18200, 18299);
        int api = RunnerProcess.freePort(18200, 18299);
        while (api == web) {
            api = RunnerProcess.freePort(18200, 18299);
        }
        String v1 = fixture.image("v1");
        String v2 = fixture.image("v2");
        String three = """
                services:
                  web:
                    image: %1$s
                    stop_grace_period: 1s
                    deploy: {replicas: 2}
                    x-slipway: {route: {port: %2$d, targetPort: 8080}}
                  api:
                    image: %1$s
                    stop_grace_period: 1s
                    x-slipway: {route: {port: %3$d, targetPort: 8080}}
                  worker:
                    image: %1$s
                    stop_grace_period: 1s
                """;
        try {
            DeployResponse first = client.deploy(app, new DeployRequest(three.formatted(v1, web, api), Map.of(), null));
            assertThat(Apps.awaitEnd(client, first.release(), Duration.ofSeconds(180)).phase()).isEqualTo(Phase.Succeeded);
            String two = three.formatted(v2, web, api);
            two = two.substring(0, two.indexOf("  worker:"));
            DeployResponse second = client.deploy(app, new DeployRequest(two, Map.of(), null));
            ReleaseStatus end = Apps.awaitEnd(client, second.release(), Duration.ofSeconds(270));
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
            assertThat(end.stepCount()).isEqualTo(4);
            await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(app).equals(List.of(
                    "slipway-it-multi-api-2-1 2 running", "slipway-it-multi-web-2-1 2 running",
                    "slipway-it-multi-web-2-2 2 running")));
            assertThat(Http.get("http://127.0.0.1:" + web + "/").body()).contains("version v2");
            assertThat(Http.get("http://127.0.0.1:" + api + "/").body()).contains("version v2");
            assertThat(client.app(app).services()).extracting(s -> s.name()).containsExactly("web", "api");
        } finally {
            fixture.deleteApp(app);
        }
    }

    @Test
    void rollingUpdateDropsNoRequest() throws Exception {
        int port = RunnerProcess.freePort(18200, 18299);
        String v1 = fixture.image("v1");
        String v2 = fixture.image("v2");
        DeployResponse first = client.deploy(APP, new DeployRequest(Apps.web(v1, 3, port, "", ""), Map.of(), null));
        assertThat(Apps.awaitEnd(client, first.release(), Duration.ofSeconds(180)).phase()).isEqualTo(Phase.Succeeded);

        String update = Apps.web(v1, 3, port, """
                update_config:
                  parallelism: 1
                  order: start-first
                """, """
                healthcheck:
                  test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                  interval: 1s
                  timeout: 1s
                  retries: 2
                """);
        ReleaseStatus end;
        List<ReleaseEvent> events = new CopyOnWriteArrayList<>();
        try (LoadLoop load = new LoadLoop(port, 4, 40_000, Duration.ofSeconds(360))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> load.requests() > 50);
            DeployResponse second = client.deploy(APP, new DeployRequest(update, Map.of("web", v2), null));
            assertThat(second.revision()).isEqualTo(2);
            try (RunnerClient.EventSubscription sub = client.subscribe(second.release(), 0, events::add, e -> { })) {
                end = Apps.awaitEnd(client, second.release(), Duration.ofSeconds(360));
            }
            int atEnd = load.requests();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.requests() > atEnd + 50);
            load.close();
            System.out.println("rolling update under load: " + load.requests() + " requests, "
                    + load.failures().size() + " failed, answers " + load.bodies());
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
            assertThat(load.failures()).as("failed requests out of " + load.requests()).isEmpty();
            assertThat(load.bodies()).containsKeys("version v1", "version v2");
        }
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v2");
        assertThat(Docker.containers(APP)).containsExactly("slipway-it-rolling-web-2-1 2 running",
                "slipway-it-rolling-web-2-2 2 running", "slipway-it-rolling-web-2-3 2 running");
        List<String> messages = events.stream().map(e -> e.type() + " " + e.message()).toList();
        assertThat(messages).contains("StepStarted step 1/3: start 1 replica of web at revision 2, then leave 2 of web at revision 1");
        assertThat(messages).contains("TrafficShifted traffic web: rev 1 67% / rev 2 33%");
        assertThat(messages).contains("TrafficShifted traffic web: rev 1 0% / rev 2 100%");
        assertThat(messages).anyMatch(m -> m.startsWith("ReplicaHealthy replica web-2-1 healthy (health check healthy"));
        assertThat(messages).anyMatch(m -> m.startsWith("ReplicaStopped replica web-1-3 drained and stopped"));

        // Rollback by hand: the previous revision's spec comes back as revision 3.
        DeployResponse back = client.rollback(APP);
        assertThat(back.revision()).isEqualTo(3);
        assertThat(Apps.awaitEnd(client, back.release(), Duration.ofSeconds(360)).phase()).isEqualTo(Phase.Succeeded);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v1");
        await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-it-rolling-web-3-1 3 running", "slipway-it-rolling-web-3-2 3 running",
                "slipway-it-rolling-web-3-3 3 running")));
    }
}
