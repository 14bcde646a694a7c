package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.Container;
import hudson.AbortException;
import io.jenkins.plugins.slipway.config.DockerHost;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/** slipwayBuild against the real engine: arguments, labels, cache, streaming, and its failures. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlipwayBuildStepIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "build";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
    private static final String RUN_STEP = "Step 3/4 : RUN echo cache-probe-[0-9]+";

    @TempDir
    Path workspace;

    @BeforeEach
    void freshJenkins() {
        StandIn.reset();
    }

    @AfterAll
    static void removeImages() {
        DockerFixture.removeImages(REPO);
    }

    @Test
    void buildArgsLabelsAndTagsReachTheImage() throws Exception {
        DockerFixture.context(workspace, String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/sh",
                "ARG GREETING=unset",
                "RUN echo \"greeting=$GREETING\"",
                ""));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("args-1", "args-latest"));
        step.setBuildArgs(Map.of("GREETING", "hello-from-jenkins"));
        step.setLabels(Map.of("team", "payments"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile())
                .env("GIT_URL", "https://git.example/payments.git")
                .env("GIT_COMMIT", "0123456789abcdef")
                .env("BUILD_URL", "https://ci.example/job/payments/7/");

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) ctx.run(step, STEP_TIMEOUT);

        assertThat(ctx.log()).contains("greeting=hello-from-jenkins");
        assertThat(result.get("image")).isEqualTo(REPO);
        assertThat(result.get("tags")).isEqualTo(List.of("args-1", "args-latest"));
        assertThat(result.get("references")).isEqualTo(List.of(REPO + ":args-1", REPO + ":args-latest"));
        try (DockerClient docker = DockerFixture.client()) {
            InspectImageResponse image = docker.inspectImageCmd(REPO + ":args-latest").exec();
            assertThat(image.getId()).isEqualTo(result.get("id")).startsWith("sha256:");
            assertThat(image.getRepoTags()).contains(REPO + ":args-1", REPO + ":args-latest");
            Map<String, String> labels = image.getConfig().getLabels();
            assertThat(labels)
                    .containsEntry("team", "payments")
                    .containsEntry("org.opencontainers.image.source", "https://git.example/payments.git")
                    .containsEntry("org.opencontainers.image.revision", "0123456789abcdef")
                    .containsEntry("io.jenkins.build.url", "https://ci.example/job/payments/7/")
                    .containsKey("org.opencontainers.image.created");
        }
    }

    /**
     * A scripted pipeline's {@code checkout scm}: GIT_COMMIT and GIT_URL unset, the git plugin's BuildData on the
     * build. The image still says where it came from, and the log says which labels were added from where.
     */
    @Test
    void scriptedPipelineCheckoutStillLabelsTheImageWithItsSource() throws Exception {
        DockerFixture.context(workspace, "FROM scratch\nCOPY busybox /bin/sh\n");
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("scripted-1"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        String commit = "89abcdef0123456789abcdef0123456789abcdef";
        hudson.plugins.git.util.BuildData checkout = new hudson.plugins.git.util.BuildData();
        checkout.addRemoteUrl("https://git.example/scripted.git");
        checkout.saveBuild(new hudson.plugins.git.util.Build(
                new hudson.plugins.git.Revision(org.eclipse.jgit.lib.ObjectId.fromString(commit)),
                ctx.run().getNumber(), hudson.model.Result.SUCCESS));
        ctx.run().addAction(checkout);

        ctx.run(step, STEP_TIMEOUT);

        try (DockerClient docker = DockerFixture.client()) {
            Map<String, String> labels = docker.inspectImageCmd(REPO + ":scripted-1").exec().getConfig().getLabels();
            assertThat(labels)
                    .containsEntry("org.opencontainers.image.revision", commit)
                    .containsEntry("org.opencontainers.image.source", "https://git.example/scripted.git");
        }
        assertThat(ctx.log()).contains("[slipwayBuild] label org.opencontainers.image.revision=" + commit
                + " (GIT_COMMIT is unset: from the build's Git checkout)");
    }

    @Test
    void tagDefaultsToTheBuildNumber() throws Exception {
        DockerFixture.context(workspace, "FROM scratch\nCOPY busybox /bin/sh\n");
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) ctx.run(new SlipwayBuildStep(REPO), STEP_TIMEOUT);
        assertThat(result.get("references")).isEqualTo(List.of(REPO + ":" + ctx.run().getNumber()));
    }

    @Test
    void targetStopsAtTheNamedStage() throws Exception {
        DockerFixture.context(workspace.resolve("app"), String.join("\n",
                "FROM scratch AS first",
                "COPY busybox /bin/sh",
                "ENV STAGE=first",
                "FROM first AS second",
                "ENV STAGE=second",
                ""));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("target"));
        step.setContext("app");
        step.setTarget("first");
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        ctx.run(step, STEP_TIMEOUT);
        try (DockerClient docker = DockerFixture.client()) {
            assertThat(docker.inspectImageCmd(REPO + ":target").exec().getConfig().getEnv()).contains("STAGE=first");
        }
    }

    @Test
    void secondBuildReusesTheCacheAndNoCacheDoesNot() throws Exception {
        DockerFixture.context(workspace, String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/sh",
                "RUN echo cache-probe-" + System.nanoTime(),
                ""));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("cache"));
        TestStepContext first = TestStepContext.in(workspace.toFile());
        first.run(step, STEP_TIMEOUT);
        assertThat(first.log()).containsPattern(RUN_STEP + "\n ---> Running in ");

        // Same context, same instructions: the RUN comes from the cache. (Only the trailing LABEL step the
        // engine adds for the labels runs again: org.opencontainers.image.created changes every build.)
        TestStepContext second = TestStepContext.in(workspace.toFile());
        second.run(step, STEP_TIMEOUT);
        assertThat(second.log()).containsPattern(RUN_STEP + "\n ---> Using cache");

        step.setNoCache(true);
        TestStepContext third = TestStepContext.in(workspace.toFile());
        third.run(step, STEP_TIMEOUT);
        assertThat(third.log()).doesNotContain("Using cache").containsPattern(RUN_STEP + "\n ---> Running in ");
    }

    @Test
    void outputReachesTheLogWhileTheBuildRuns() throws Exception {
        DockerFixture.context(workspace, String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/sh",
                "COPY busybox /bin/sleep",
                "RUN echo stream-$((10+1)) && sleep 4 && echo stream-$((20+2))",
                ""));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("stream"));
        step.setNoCache(true);
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        StepExecution execution = ctx.start(step);

        // The shell prints stream-11, waits 4 s, prints stream-22: the first line must be in the log
        // while the build is still running.
        await().atMost(STEP_TIMEOUT).until(() -> ctx.log().contains("stream-11"));
        assertThat(ctx.log()).doesNotContain("stream-22");
        assertThat(ctx.outcome()).isNotDone();
        ctx.await(execution, STEP_TIMEOUT);
        assertThat(ctx.log()).contains("stream-22");
    }

    @Test
    void dockerfileSyntaxErrorNamesTheLine() throws Exception {
        DockerFixture.context(workspace, String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/sh",
                "FORM scratch",
                ""));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("syntax"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        assertThatThrownBy(() -> ctx.run(step, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Dockerfile:3")
                .hasMessageContaining("unknown instruction")
                .hasMessageContaining("FORM");
    }

    @Test
    void failingInstructionIsNamedWithItsLineAndTheEngineMessage() throws Exception {
        DockerFixture.context(workspace, String.join("\n",
                "FROM scratch",
                "COPY busybox /bin/sh",
                "",
                "# a step that fails",
                "RUN exit 3",
                ""));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setTags(List.of("fails"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        Set<String> containersBefore = allContainers().stream().map(Container::getId).collect(Collectors.toSet());
        assertThatThrownBy(() -> ctx.run(step, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Dockerfile:5: RUN failed")
                .hasMessageContaining("returned a non-zero code: 3");
        // The failed step's container is removed with the build, not left exited on the engine.
        List<String> leftBehind = allContainers().stream()
                .filter(c -> !containersBefore.contains(c.getId()))
                .map(c -> c.getId() + " " + c.getCommand())
                .filter(c -> c.contains("exit 3"))
                .toList();
        assertThat(leftBehind).isEmpty();
    }

    /** Every container on the engine, exited ones included. */
    private static List<Container> allContainers() throws IOException {
        try (DockerClient docker = DockerFixture.client()) {
            return docker.listContainersCmd().withShowAll(true).exec();
        }
    }

    @Test
    void missingDockerfileFailsBeforeAnythingIsSent() throws Exception {
        Files.createDirectories(workspace.resolve("app"));
        // A Docker host that cannot be reached: any attempt to send would fail with a connection error.
        SlipwayConfiguration.get().setDockerHosts(List.of(new DockerHost("nowhere", "tcp://127.0.0.1:1")));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setContext("app");
        step.setDockerfile("app/Dockerfile.release");
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        assertThatThrownBy(() -> ctx.run(step, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Dockerfile 'app/Dockerfile.release' not found")
                .hasMessageContaining("nothing was sent");

        SlipwayBuildStep noContext = new SlipwayBuildStep(REPO);
        noContext.setContext("does-not-exist");
        TestStepContext ctx2 = TestStepContext.in(workspace.toFile());
        assertThatThrownBy(() -> ctx2.run(noContext, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("build context 'does-not-exist' is not a directory");
    }

    @Test
    void unknownDockerHostNameFailsClearly() throws Exception {
        DockerFixture.context(workspace, "FROM scratch\n");
        SlipwayConfiguration.get().setDockerHosts(List.of(new DockerHost("local", DockerHost.LOCAL_URI)));
        SlipwayBuildStep step = new SlipwayBuildStep(REPO);
        step.setDockerHost("elsewhere");
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        assertThatThrownBy(() -> ctx.run(step, STEP_TIMEOUT))
                .hasMessageContaining("No Docker host named 'elsewhere'")
                .hasMessageContaining("configured: local");
    }
}
