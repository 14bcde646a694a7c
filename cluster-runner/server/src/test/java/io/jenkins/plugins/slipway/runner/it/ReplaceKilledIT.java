package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A container killed behind the runner's back is replaced within seconds, as far as its restart policy allows. */
class ReplaceKilledIT {
    private static final String APP = "it-replace";
    private static final String DUPLICATED = "it-dup";
    private static final String NO_RESTART = "it-norestart";
    private static final String LIMITED = "it-maxattempts";
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("replace", List.of(APP, DUPLICATED, NO_RESTART, LIMITED), "v1");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void duplicateWithOurLabelsIsRemoved() throws Exception {
        String app = DUPLICATED;
        int port = RunnerProcess.freePort(18400, 18499);
        try {
            String image = fixture.image("v1");
            DeployResponse rsp = client.deploy(app, new DeployRequest(Apps.web(image, 1, port, "", ""), Map.of(), null));
            assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
            String runnerId = Docker.run("inspect", "-f", "{{index .Config.Labels \"io.slipway.runner\"}}",
                    Docker.replica(app, "web", 1, 1)).trim();
            // A second container claiming the same replica, as a half-finished start elsewhere could leave.
            Docker.run("run", "-d", "--name", "it-dup-impostor", "--label", "io.slipway.app=" + app,
                    "--label", "io.slipway.service=web", "--label", "io.slipway.revision=1",
                    "--label", "io.slipway.replica=1", "--label", "io.slipway.runner=" + runnerId, image);
            await("duplicate removed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Docker.containers(app).equals(List.of("slipway-it-dup-web-1-1 1 running")));
        } finally {
            fixture.deleteApp(app);
            Docker.removeApp(app);
        }
    }

    @Test
    void restartPolicyNoneLeavesItDown() throws Exception {
        String app = NO_RESTART;
        int port = RunnerProcess.freePort(18400, 18499);
        try {
            DeployResponse rsp = client.deploy(app, new DeployRequest(Apps.web(fixture.image("v1"), 1, port,
                    "restart_policy: {condition: none}\n", ""), Map.of(), null));
            assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
            Docker.run("kill", Docker.replica(app, "web", 1, 1));
            List<String> down = List.of("slipway-it-norestart-web-1-1 1 exited");
            await("the killed container exited").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Docker.containers(app).equals(down));
            // The runner must keep its hands off for a while: the container stays exited (the limit only bounds
            // how long 4 s of polling may take on a busy machine).
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Docker.containers(app).equals(down));
            assertThat(client.app(app).services().get(0).replicas().ready()).isZero();
        } finally {
            fixture.deleteApp(app);
        }
    }

    @Test
    void maxAttemptsUsedBeforeAKillNineOfTheRunnerStayUsed() throws Exception {
        String app = LIMITED;
        int port = RunnerProcess.freePort(18400, 18499);
        try {
            DeployResponse rsp = client.deploy(app, new DeployRequest(Apps.web(fixture.image("v1"), 1, port,
                    "restart_policy: {condition: any, delay: 0s, max_attempts: 2}\n", ""), Map.of(), null));
            assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
            killAndAwaitReplacement(app); // attempt 1 of 2

            fixture.runner().kill9();
            client = fixture.relaunch();
            await("relaunched runner sees the replica ready").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> client.app(app).services().get(0).replicas().ready() == 1);
            // A runner that forgot attempt 1 would replace the next two kills; one that kept it replaces one.
            killAndAwaitReplacement(app); // attempt 2 of 2
            Docker.run("kill", Docker.replica(app, "web", 1, 1));
            List<String> down = List.of("slipway-it-maxattempts-web-1-1 1 exited");
            await("the killed container exited").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Docker.containers(app).equals(down));
            await("replica left down, attempts used").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> Docker.containers(app).equals(down));
            assertThat(client.app(app).services().get(0).replicas().ready()).isZero();
        } finally {
            fixture.deleteApp(app);
        }
    }

    /** Kills the app's only replica and waits until the runner has started a new container in its place. */
    private static void killAndAwaitReplacement(String app) throws Exception {
        String victim = Docker.replica(app, "web", 1, 1);
        Docker.run("kill", victim);
        await("replacement of " + victim).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String id = Docker.run("ps", "-q", "--filter", "label=io.slipway.app=" + app, "--filter", "status=running")
                    .trim();
            return !id.isEmpty() && !victim.startsWith(id) && !id.startsWith(victim);
        });
    }

    @Test
    void killedContainerIsReplaced() throws Exception {
        int port = RunnerProcess.freePort(18400, 18499);
        DeployResponse rsp = client.deploy(APP, new DeployRequest(Apps.web(fixture.image("v1"), 2, port, "", ""),
                Map.of(), null));
        assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
        String victim = Docker.run("ps", "-q", "--filter", "name=slipway-it-replace-web-1-2").trim();
        assertThat(victim).isNotEmpty();

        long t0 = System.nanoTime();
        Docker.run("kill", victim);
        await("replacement of web-1-2").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String id = Docker.run("ps", "-q", "--filter", "name=slipway-it-replace-web-1-2", "--filter", "status=running").trim();
            return !id.isEmpty() && !victim.startsWith(id) && !id.startsWith(victim);
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("killed replica replaced in " + ms + " ms");
        assertThat(Docker.containers(APP)).isEqualTo(List.of("slipway-it-replace-web-1-1 1 running",
                "slipway-it-replace-web-1-2 1 running"));
        await().atMost(Duration.ofSeconds(60)).until(() -> client.app(APP).services().get(0).replicas().ready() == 2);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v1");
    }
}
