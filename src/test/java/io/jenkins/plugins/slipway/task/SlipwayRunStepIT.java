package io.jenkins.plugins.slipway.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import hudson.AbortException;
import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * slipwayRun in a pipeline: an image built and pushed by slipwayBuild and slipwayPush, run to completion by a
 * real runner process on the real engine. Output in the log in order, the exit code returned, a failing task
 * failing the step (or returned with returnStatus), a stopped build stopping the container, secrets kept out.
 */
class SlipwayRunStepIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "run-task";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path shared;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String image;

    @BeforeAll
    static void startRunnerAndPushTheImage() throws Exception {
        runner = RunnerProcess.start(20796, shared.resolve("runner"));
        client = runner.client();
        Path workspace = shared.resolve("ws");
        DockerFixture.context(workspace.resolve("task"), String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/busybox",
                "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]",
                "CMD [\"echo\", \"the image's own command\"]",
                ""));
        SlipwayBuildStep build = new SlipwayBuildStep(REPO);
        build.setContext("task");
        build.setTags(List.of("1"));
        StandIn.reset();
        Object built = TestStepContext.in(workspace.toFile()).run(build, STEP_TIMEOUT);
        SlipwayPushStep push = new SlipwayPushStep();
        @SuppressWarnings("unchecked")
        Map<String, Object> builtMap = (Map<String, Object>) built;
        push.setBuild(builtMap);
        image = (String) TestStepContext.in(workspace.toFile()).run(push, STEP_TIMEOUT);
    }

    @AfterAll
    static void stopRunner() {
        if (runner != null) {
            runner.close();
        }
        DockerFixture.removeImages(REPO);
    }

    @BeforeEach
    void configureRunner() throws Exception {
        StandIn.reset();
        runner.register();
    }

    private static RunStep run(String script) {
        RunStep step = new RunStep(image);
        step.setCommand(List.of("sh", "-c", script));
        return step;
    }

    @Test
    void writesTheOutputToTheLogInOrderAndReturnsTheExitCode() throws Exception {
        RunStep step = run("i=1; while [ $i -le 20 ]; do echo \"line $i\"; sleep 0.05; i=$((i+1)); done");
        TestStepContext ctx = TestStepContext.withoutWorkspace();

        Object code = ctx.run(step, STEP_TIMEOUT);

        assertThat(code).isEqualTo(0);
        String log = ctx.log();
        int at = -1;
        for (int i = 1; i <= 20; i++) {
            int next = log.indexOf("line " + i + "\n");
            assertThat(next).as("line %d after line %d in:%n%s", i, i - 1, log).isGreaterThan(at);
            at = next;
        }
        assertThat(log).contains("[slipway] task ").contains(" Succeeded: exited with code 0");
        assertThat(log.indexOf("Succeeded")).isGreaterThan(at);
    }

    @Test
    void theImagesOwnCommandRunsWhenNoneIsGiven() throws Exception {
        TestStepContext ctx = TestStepContext.withoutWorkspace();
        assertThat(ctx.run(new RunStep(image), STEP_TIMEOUT)).isEqualTo(0);
        assertThat(ctx.log()).contains("the image's own command\n");
    }

    @Test
    void aFailingTaskFailsTheStepUnlessItsStatusIsAskedFor() throws Exception {
        TestStepContext failing = TestStepContext.withoutWorkspace();
        assertThatThrownBy(() -> failing.run(run("echo about to fail >&2; exit 3"), STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Failed: exited with code 3");
        assertThat(failing.log()).contains("about to fail");

        RunStep step = run("exit 5");
        step.setReturnStatus(true);
        assertThat(TestStepContext.withoutWorkspace().run(step, STEP_TIMEOUT)).isEqualTo(5);
    }

    @Test
    void theEnvironmentReachesTheTaskButNotTheLog() throws Exception {
        RunStep step = run("echo \"password has ${#DB_PASSWORD} characters\"");
        step.setEnv(List.of("DB_PASSWORD=hunter2-s3cret"));
        TestStepContext ctx = TestStepContext.withoutWorkspace();

        assertThat(ctx.run(step, STEP_TIMEOUT)).isEqualTo(0);

        assertThat(ctx.log()).contains("password has 14 characters").contains("with DB_PASSWORD")
                .doesNotContain("hunter2-s3cret");
        assertThatThrownBy(() -> new RunStep(image).setEnv(List.of("no-equals-hunter2")))
                .hasMessageContaining("without '='").hasMessageNotContaining("hunter2");
    }

    @Test
    void stoppingTheBuildStopsTheContainer() throws Exception {
        RunStep step = run("trap 'echo got TERM; exit 143' TERM; echo started; while true; do sleep 0.2; done");
        TestStepContext ctx = TestStepContext.withoutWorkspace();
        RunStepExecution execution = (RunStepExecution) ctx.start(step);
        await().atMost(Duration.ofMinutes(1)).until(() -> execution.lastLine() >= 1);
        String taskId = execution.taskId();
        assertThat(containers(taskId)).hasSize(1);

        execution.stop(new InterruptedException("build aborted by a person"));

        assertThatThrownBy(() -> ctx.await(execution, Duration.ofSeconds(30)))
                .isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofMinutes(1)).until(() -> client.task(taskId).state().equals("Stopped"));
        assertThat(client.task(taskId).exitCode()).isEqualTo(143);
        await().atMost(Duration.ofSeconds(30)).until(() -> containers(taskId).isEmpty());
        assertThat(ctx.log()).contains("build stopped: the runner stops task " + taskId);
    }

    private static List<String> containers(String taskId) throws Exception {
        try (DockerClient docker = DockerFixture.client()) {
            return docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of("io.slipway.task", taskId)).exec().stream()
                    .map(c -> c.getId()).toList();
        }
    }
}
