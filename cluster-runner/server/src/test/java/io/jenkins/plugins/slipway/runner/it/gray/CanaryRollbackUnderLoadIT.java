package io.jenkins.plugins.slipway.runner.it.gray;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.CpuHog;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rollback stays traffic-first when the machine is saturated: a canary of a version answering 500 at 20% is
 * rolled back by analysis while {@code stress-ng --cpu 2} keeps both cores busy, and the requests that failed stay
 * within the canary's share. Before the router degraded instead of failing closed, slow health probes emptied the
 * route and nearly every request got {@code 502 no backend}.
 */
@WholeMachine("saturates both cores on purpose")
class CanaryRollbackUnderLoadIT {
    private static final String APP = "gray-saturated";
    private static final int CANARY_PERCENT = 20;
    private static RunnerFixture fixture;
    private static RunnerClient client;
    private static String v1;
    private static String bad;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("gray-saturated", 22000, 22099, List.of(APP));
        client = fixture.client();
        v1 = GrayImages.web("v1");
        bad = GrayImages.failing("bad");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void failingCanaryIsRolledBackWithBothCoresSaturatedAndFailuresStayWithinItsShare() throws Exception {
        int port = RunnerProcess.freePort(22100, 22199);
        String release = """
                strategy: canary
                steps:
                  - setWeight: %d
                  - analysis:
                      interval: 2s
                      count: 3
                      metrics:
                        - name: traffic
                          router: {successRate: 0.95, minRequests: 3}
                  - setWeight: 60
                  - pause: {}
                """.formatted(CANARY_PERCENT);
        String compose = GrayApps.app(GrayApps.service("web", v1, 2, port, release));
        ReleaseStatus first = Apps.awaitEnd(client, client.deploy(APP, new DeployRequest(compose, Map.of(), null))
                .release(), Duration.ofSeconds(120));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);

        String loadBefore = CpuHog.loadAverage();
        try (CpuHog hog = CpuHog.start(2, Duration.ofSeconds(300));
             GrayLoad load = new GrayLoad(port, 4, 30_000, Duration.ofSeconds(240))) {
            load.awaitAnswers(0, 50, Duration.ofSeconds(60));
            int from = load.mark();
            String id = client.deploy(APP, new DeployRequest(compose, Map.of("web", bad), null)).release();
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(180));
            GrayLoad.Window during = load.window(from);
            String loadDuring = CpuHog.loadAverage();
            boolean saturatedThroughout = hog.alive();

            int failed = during.failures.size();
            System.out.printf("canary rollback under stress-ng --cpu 2: %d failed of %d requests (%.1f%%) beside"
                            + " the canary's share of %d%%; load average before %s, at the end %s%n", failed,
                    during.total, 100.0 * failed / Math.max(1, during.total), CANARY_PERCENT, loadBefore, loadDuring);
            assertThat(saturatedThroughout).as("stress-ng ran through the release").isTrue();
            assertThat(end.phase()).as(end.message()).isEqualTo(Phase.RolledBack);
            assertThat(end.message()).contains("analysis").contains("FAILED");
            // Every failure is the canary's own 500: none is the router's (502 no backend, 504) or a timeout.
            assertThat(during.failures).as(during.toString()).isNotEmpty()
                    .allMatch(f -> f.startsWith("FAIL 500 version bad failing"));
            assertThat(failed).as(during.toString())
                    .isLessThanOrEqualTo((int) Math.ceil(during.total * CANARY_PERCENT / 100.0));

            int after = load.mark();
            load.awaitAnswers(after, 300, Duration.ofSeconds(60));
            GrayLoad.Window back = load.window(after);
            System.out.println("after the rollback, still saturated: " + back);
            assertThat(back.failures).as(back.toString()).isEmpty();
            assertThat(back.byBody).containsOnlyKeys("version v1");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-gray-saturated-web-1-1 1 running", "slipway-gray-saturated-web-1-2 1 running")));
    }
}
