package io.jenkins.plugins.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import hudson.AbortException;
import io.jenkins.plugins.slipway.deploy.DeployStep;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DemoAppFixture;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** slipwayAbort and slipwayPromote against a real runner, on a release that is still in progress. */
class ReleaseStepsIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "release-steps";
    private static final String APP = "rel-steps";

    @TempDir
    static Path dir;
    private static DemoAppFixture demo;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String image;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoAppFixture.start(dir, REPO, 20788, List.of(APP), "v1");
        runner = demo.runner();
        client = demo.client();
        image = demo.image("v1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void abortEndsTheAppsReleaseInProgressAndPromoteOfARollingReleaseIsRefusedClearly() throws Exception {
        StandIn.reset();
        runner.register();
        Path ws = Files.createDirectories(dir.resolve("deploy-ws"));
        // A replica that never gets healthy within a long deadline keeps the release Progressing.
        Files.writeString(ws.resolve("compose.yml"), """
                services:
                  web:
                    image: placeholder
                    healthcheck:
                      test: ["CMD", "false"]
                      interval: 1s
                      retries: 1
                    deploy:
                      replicas: 1
                      update_config:
                        monitor: 120s
                    x-slipway:
                      route:
                        port: 20091
                        targetPort: 8080
                """);
        DeployStep deploy = new DeployStep(APP);
        deploy.setImages(Map.of("web", image));
        TestStepContext deployCtx = TestStepContext.in(ws.toFile());
        StepExecution deployment = deployCtx.start(deploy);
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> client.app(APP).currentRelease() != null
                && client.release(client.app(APP).currentRelease()).phase() == Phase.Progressing);

        PromoteStep promote = new PromoteStep(APP);
        TestStepContext promoteCtx = TestStepContext.in(ws.toFile());
        assertThatThrownBy(() -> promoteCtx.run(promote, Duration.ofSeconds(30)))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("could not promote the release of app '" + APP + "'")
                .hasMessageContaining("HTTP 409");

        AbortStep abort = new AbortStep(APP);
        abort.setReason("QA found a bug");
        TestStepContext abortCtx = TestStepContext.in(ws.toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> aborted = (Map<String, Object>) abortCtx.run(abort, Duration.ofSeconds(60));

        assertThat(aborted.get("app")).isEqualTo(APP);
        String releaseId = (String) aborted.get("release");
        await().atMost(Duration.ofMinutes(1)).until(() -> client.release(releaseId).phase() == Phase.Aborted);
        assertThat(client.release(releaseId).message()).contains("QA found a bug");
        assertThat(abortCtx.log()).contains("[slipway] abort release " + releaseId + " of app '" + APP + "'");
        // The deploy that followed the release fails with the runner's reason.
        assertThatThrownBy(() -> deployCtx.await(deployment, Duration.ofMinutes(1)))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Aborted")
                .hasMessageContaining("QA found a bug");
    }
}
