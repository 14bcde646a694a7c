package io.jenkins.plugins.slipway.runner.it.gray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code kill -9} of the runner while a canary waits at an indefinite pause: it resumes at the same step and weight. */
class CanaryCrashResumeIT {
    private static final String APP = "gray-crash";
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("gray-crash", 21000, 21099, List.of(APP));
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
    void killNineDuringAnIndefinitePauseResumesAtTheSameStepAndWeight() throws Exception {
        int port = RunnerProcess.freePort(21100, 21999);
        String v1 = GrayImages.web("v1");
        String v2 = GrayImages.web("v2");
        String release = """
                strategy: canary
                steps:
                  - setWeight: 25
                  - pause: {duration: 1s}
                  - setWeight: 50
                  - pause: {}
                  - setWeight: 75
                """;
        String compose = GrayApps.app(GrayApps.service("web", v1, 2, port, release));
        ReleaseStatus first = Apps.awaitEnd(client, client.deploy(APP, new DeployRequest(compose, Map.of(), null)).release(),
                Duration.ofSeconds(90));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);
        String id = client.deploy(APP, new DeployRequest(compose, Map.of("web", v2), null)).release();
        ReleaseStatus before = GrayApps.awaitPhase(client, id, Phase.Paused, 4, Duration.ofSeconds(60));
        assertThat(before.canaryWeight()).isEqualTo(50);
        List<String> containers = Docker.containers(APP);

        runner.kill9();
        client = fixture.relaunch();

        ReleaseStatus after = client.release(id);
        assertThat(after.phase()).isEqualTo(Phase.Paused);
        assertThat(after.step()).isEqualTo(4);
        assertThat(after.canaryWeight()).isEqualTo(50);
        // The restarted router binds the route once the reconciler has adopted the replicas.
        await("the restarted router serves the route").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/");
                    return r != null && r.statusCode() == 200;
                });
        try (GrayLoad load = new GrayLoad(port, 4, 5_000, Duration.ofSeconds(60))) {
            await("route serves both revisions").atMost(Duration.ofSeconds(30)).until(() -> {
                GrayLoad.Window w = load.window(Math.max(0, load.mark() - 100));
                return w.byBody.containsKey("version v1") && w.byBody.containsKey("version v2");
            });
            int from = load.mark();
            load.awaitAnswers(from, 600, Duration.ofSeconds(60));
            GrayLoad.Window w = load.window(from);
            System.out.println("after kill -9: " + w);
            assertThat(w.failures).as(w.toString()).isEmpty();
            assertThat(w.percent("version v2")).as(w.toString()).isBetween(46.0, 54.0);
        }
        assertThat(Docker.containers(APP)).as("the same containers, none lost or duplicated").isEqualTo(containers);
        assertThat(client.release(id).step()).isEqualTo(4);

        // Promoted from the command line, as an operator would.
        Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("slipway.runner.jar", "../target/slipway-runner.jar"), "promote", id,
                "--url", runner.url(), "--token-file", runner.tokenFile().toString()).redirectErrorStream(true).start();
        String printed = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(printed).isZero();
        assertThat(printed).contains("promote accepted for release " + id + " (canary, Paused, step 4/5, canary weight 50%)");
        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(60));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        await().atMost(Duration.ofSeconds(30)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-gray-crash-web-2-1 2 running", "slipway-gray-crash-web-2-2 2 running")));
    }
}
