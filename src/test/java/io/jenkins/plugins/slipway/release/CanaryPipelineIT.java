package io.jenkins.plugins.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.deploy.DeployStep;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DemoAppFixture;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gated canary a release engineer writes: slipwayDeploy(wait: 'pause') returns when the canary reaches
 * a pause that waits for a person, the pipeline asks, then slipwayPromote moves it on; against a real runner.
 */
class CanaryPipelineIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "canary-pipeline";
    private static final String APP = "rel-canary";
    private static final int ROUTE = 20093;

    @TempDir
    static Path dir;
    private static DemoAppFixture demo;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String v1;
    private static String v2;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoAppFixture.start(dir, REPO, 20790, List.of(APP), "v1", "v2");
        runner = demo.runner();
        client = demo.client();
        v1 = demo.image("v1");
        v2 = demo.image("v2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void waitPauseReturnsAtTheGateAndPromoteTakesTheCanaryToFullTraffic() throws Exception {
        StandIn.reset();
        runner.register();
        Path ws = Files.createDirectories(dir.resolve("deploy-ws"));
        Files.writeString(ws.resolve("compose.yml"), """
                services:
                  web:
                    image: placeholder
                    deploy:
                      replicas: 2
                    x-slipway:
                      route:
                        port: %d
                        targetPort: 8080
                      release:
                        strategy: canary
                        match:
                          - header: {name: X-Canary, value: always}
                        steps:
                          - setWeight: 25
                          - pause: {}
                          - setWeight: 50
                          - pause: {}
                """.formatted(ROUTE));
        TestStepContext first = TestStepContext.in(ws.toFile());
        first.run(deploy(v1), Duration.ofMinutes(3));

        TestStepContext gated = TestStepContext.in(ws.toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> paused = (Map<String, Object>) gated.run(deploy(v2), Duration.ofMinutes(3));

        assertThat(paused).containsEntry("phase", "Paused").containsEntry("step", 2).containsEntry("stepCount", 4)
                .containsEntry("canaryWeight", 25);
        String releaseId = (String) paused.get("release");
        ReleaseStatus atGate = client.release(releaseId);
        assertThat(atGate.phase()).isEqualTo(Phase.Paused);
        assertThat(atGate.canaryWeight()).isEqualTo(25);
        assertThat(gated.log()).contains("waits to be promoted; slipwayDeploy returns (wait: 'pause')");
        assertThat(body("X-Canary", "always")).contains("v2");

        TestStepContext promoteCtx = TestStepContext.in(ws.toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> promoted = (Map<String, Object>) promoteCtx.run(new PromoteStep(APP), Duration.ofMinutes(1));
        assertThat(promoted).containsEntry("release", releaseId);
        await().atMost(Duration.ofMinutes(1)).until(() -> client.release(releaseId).canaryWeight() == 50
                && client.release(releaseId).phase() == Phase.Paused);

        PromoteStep full = new PromoteStep(APP);
        full.setFull(true);
        TestStepContext fullCtx = TestStepContext.in(ws.toFile());
        fullCtx.run(full, Duration.ofMinutes(1));
        await().atMost(Duration.ofMinutes(2)).until(() -> client.release(releaseId).phase() == Phase.Succeeded);
        assertThat(fullCtx.log()).contains("[slipway] fully promote release " + releaseId);
        for (int i = 0; i < 20; i++) {
            assertThat(body("X-Request", Integer.toString(i))).contains("v2");
        }
    }

    private static DeployStep deploy(String image) {
        DeployStep step = new DeployStep(APP);
        step.setImages(Map.of("web", image));
        step.setWait("pause");
        step.setTimeout(3);
        return step;
    }

    private static String body(String header, String value) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ROUTE + "/cgi-bin/hello"))
                .header(header, value).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
