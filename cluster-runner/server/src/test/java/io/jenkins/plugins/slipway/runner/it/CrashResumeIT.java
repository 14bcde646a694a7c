package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code kill -9} of the runner in the middle of a rollout: the restarted runner finishes it with exactly the desired containers. */
class CrashResumeIT {
    private static final String APP = "it-crash";
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("crash", List.of(APP), "v1", "v2");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void killNineMidRolloutThenResume() throws Exception {
        int port = RunnerProcess.freePort(18500, 18599);
        String v1 = fixture.image("v1");
        String v2 = fixture.image("v2");
        DeployResponse first = client.deploy(APP, new DeployRequest(Apps.web(v1, 3, port, "", ""), Map.of(), null));
        assertThat(Apps.awaitEnd(client, first.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);

        String slow = Apps.web(v2, 3, port, """
                update_config:
                  parallelism: 1
                  delay: 2s
                """, "");
        DeployResponse second = client.deploy(APP, new DeployRequest(slow, Map.of(), null));
        await("rollout reaches step 2").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.release(second.release()).step() >= 2);
        fixture.runner().kill9();
        List<String> atCrash = Docker.containers(APP);
        System.out.println("containers at kill -9: " + atCrash);
        assertThat(atCrash).anyMatch(l -> l.contains(" 2 ")).anyMatch(l -> l.contains(" 1 "));

        client = fixture.relaunch();
        ReleaseStatus end = Apps.awaitEnd(client, second.release(), Duration.ofSeconds(120));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        await().atMost(Duration.ofSeconds(30)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-it-crash-web-2-1 2 running", "slipway-it-crash-web-2-2 2 running",
                "slipway-it-crash-web-2-3 2 running")));
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v2");
    }
}
