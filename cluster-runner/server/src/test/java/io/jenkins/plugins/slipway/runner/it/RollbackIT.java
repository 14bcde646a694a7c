package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A revision that never gets healthy rolls the app back by itself; the CLI's watch exits non-zero. */
class RollbackIT {
    private static final String APP = "it-rollback";
    private static final String ABORTED = "it-abort";
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("rollback", List.of(APP, ABORTED), "v1");
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
    void abortThroughTheApiReturnsToThePreviousRevision() throws Exception {
        int port = RunnerProcess.freePort(18300, 18399);
        String good = fixture.image("v1");
        String never = Docker.image("never", false);
        String health = """
                healthcheck:
                  test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                  interval: 1s
                  timeout: 1s
                  retries: 1
                """;
        String app = ABORTED;
        try {
            DeployResponse first = client.deploy(app, new DeployRequest(Apps.web(good, 1, port, "", health), Map.of(), null));
            assertThat(Apps.awaitEnd(client, first.release(), Duration.ofSeconds(180)).phase()).isEqualTo(Phase.Succeeded);
            DeployResponse stuck = client.deploy(app, new DeployRequest(Apps.web(never, 1, port, """
                    update_config: {monitor: 5m}
                    """, health), Map.of(), null));
            await().atMost(Duration.ofSeconds(90)).until(() -> client.release(stuck.release()).step() == 1);
            assertThat(Http.send("POST", runner.url() + "/api/v1/releases/" + stuck.release() + "/promote",
                    runner.token(), "{}").statusCode()).isEqualTo(409);
            client.abort(stuck.release(), "changed my mind");
            assertThat(Apps.awaitEnd(client, stuck.release(), Duration.ofSeconds(180)).phase()).isEqualTo(Phase.Aborted);
            assertThat(client.release(stuck.release()).message()).contains("back at revision 1").contains("changed my mind");
            assertThat(client.app(app).revision()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(app)
                    .equals(List.of("slipway-it-abort-web-1-1 1 running")));
            assertThat(Http.send("POST", runner.url() + "/api/v1/releases/" + stuck.release() + "/abort",
                    runner.token(), "{}").statusCode()).isEqualTo(409);
        } finally {
            fixture.deleteApp(app);
        }
    }

    @Test
    void neverHealthyRevisionRollsBack() throws Exception {
        int port = RunnerProcess.freePort(18300, 18399);
        String health = """
                healthcheck:
                  test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                  interval: 1s
                  timeout: 1s
                  retries: 1
                """;
        String good = fixture.image("v1");
        String never = Docker.image("never", false);
        DeployResponse first = client.deploy(APP, new DeployRequest(Apps.web(good, 2, port, "", health), Map.of(), null));
        assertThat(Apps.awaitEnd(client, first.release(), Duration.ofSeconds(180)).phase()).isEqualTo(Phase.Succeeded);

        Path file = Files.createTempFile("it-rollback-", ".yml");
        Files.writeString(file, Apps.web(never, 2, port, """
                update_config:
                  monitor: 6s
                """, health));
        ProcessBuilder cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("slipway.runner.jar", "../target/slipway-runner.jar"), "deploy", APP,
                "-f", file.toString(), "--watch", "--url", runner.url(), "--token-file", runner.tokenFile().toString())
                .redirectErrorStream(true);
        Process p = cli.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isEqualTo(1);
        assertThat(printed).contains("ReplicaUnhealthy replica web-2-1 not healthy after 6.0 s");
        assertThat(printed).contains("RollbackStarted rolling back to revision 1: replica web-2-1");
        assertThat(printed).contains("ReleaseRolledBack rolled back to revision 1");
        assertThat(printed).contains(": RolledBack - ");

        AppStatus status = client.app(APP);
        assertThat(status.revision()).isEqualTo(1);
        assertThat(client.release(status.currentRelease()).phase()).isEqualTo(Phase.RolledBack);
        await().atMost(Duration.ofSeconds(90)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-it-rollback-web-1-1 1 running", "slipway-it-rollback-web-1-2 1 running")));
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v1");
    }
}
