package io.jenkins.plugins.slipway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import hudson.AbortException;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.CapturingListener;
import io.jenkins.plugins.slipway.testing.DemoAppFixture;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import hudson.model.TaskListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * slipwayDeploy against a real runner process on the real engine, with images built and pushed by
 * slipwayBuild and slipwayPush: the release streamed into the log in order, failures and rollbacks failing
 * the build, a stopped build aborting the release, and an execution that survives serialization.
 */
class SlipwayDeployStepIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "deploy-demo";
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path shared;
    private static DemoAppFixture demo;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String v1;
    private static String v2;
    private static final List<String> APPS = List.of("dep-order", "dep-same", "dep-rollback", "dep-stop", "dep-none",
            "dep-missing", "dep-invalid", "dep-resume", "dep-reconnect", "dep-par-a", "dep-par-b", "dep-validate",
            "dep-validate-bad");

    @TempDir
    Path workspace;

    @BeforeAll
    static void startRunnerAndBuildImages() throws Exception {
        demo = DemoAppFixture.start(shared, REPO, 20787, APPS, "v1", "v2");
        runner = demo.runner();
        client = demo.client();
        v1 = demo.image("v1");
        v2 = demo.image("v2");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void configureRunner() throws IOException {
        StandIn.reset();
        runner.register();
    }

    @Test
    void deliversTheAppAndWritesEveryEventToTheLogInOrder() throws Exception {
        String app = app("dep-order");
        writeCompose(20081, "");
        DeployStep step = deploy(app, v1);
        TestStepContext ctx = context();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) ctx.run(step, DEPLOY_TIMEOUT);

        assertThat(result).containsEntry("app", app).containsEntry("phase", "Succeeded").containsEntry("revision", 1);
        String releaseId = (String) result.get("release");
        List<ReleaseEvent> events = allEvents(releaseId);
        assertThat(events).isNotEmpty();
        assertThat(events.get(events.size() - 1).type()).isEqualTo("ReleaseSucceeded");
        assertInOrderOnce(ctx.log(), events);
        assertThat(get(20081, "/cgi-bin/hello")).contains("hello from slipway demo v1");
        ReleaseAction action = ReleaseAction.find(ctx.run(), releaseId);
        assertThat(action).isNotNull();
        assertThat(action.getPhase()).isEqualTo("Succeeded");
        assertThat(action.getSteps()).isNotEmpty();
        assertThat(action.getReleaseUrl()).isEqualTo(runner.url() + "/api/v1/releases/" + releaseId);
        assertThat(ctx.log()).doesNotContain(runner.token());
    }

    @Test
    void anUnchangedSpecReturnsAtOnceWithoutARelease() throws Exception {
        String app = app("dep-same");
        writeCompose(20082, "");
        context().run(deploy(app, v1), DEPLOY_TIMEOUT);

        TestStepContext again = context();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) again.run(deploy(app, v1), DEPLOY_TIMEOUT);

        assertThat(result).containsEntry("release", null).containsEntry("message", "unchanged").containsEntry("revision", 1);
        assertThat(again.log()).contains("already runs this spec at revision 1");
    }

    @Test
    void aVersionThatNeverGetsHealthyRollsBackAndFailsTheBuildWithTheRunnersReason() throws Exception {
        String app = app("dep-rollback");
        writeCompose(20083, "");
        context().run(deploy(app, v1), DEPLOY_TIMEOUT);
        writeCompose(20083, """
                    healthcheck:
                      test: ["CMD", "false"]
                      interval: 1s
                      timeout: 1s
                      retries: 1
                """);
        Path compose = workspace.resolve("compose.yml");
        Files.writeString(compose, Files.readString(compose).replace("monitor: 60s", "monitor: 15s"));
        TestStepContext ctx = context();

        assertThatThrownBy(() -> ctx.run(deploy(app, v2), DEPLOY_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("release")
                .hasMessageContaining("RolledBack");
        assertThat(ctx.log()).contains("RollbackStarted").contains("ReleaseRolledBack");
        assertThat(get(20083, "/cgi-bin/hello")).contains("v1");
    }

    @Test
    void stoppingTheBuildAbortsTheRelease() throws Exception {
        String app = app("dep-stop");
        writeCompose(20084, "");
        context().run(deploy(app, v1), DEPLOY_TIMEOUT);
        // v2 never gets healthy and the runner would wait 2 minutes for it: the build is stopped first.
        writeCompose(20084, """
                    healthcheck:
                      test: ["CMD", "false"]
                      interval: 1s
                      retries: 1
                """);
        Path compose = workspace.resolve("compose.yml");
        Files.writeString(compose, Files.readString(compose).replace("monitor: 60s", "monitor: 120s"));
        TestStepContext ctx = context();
        DeployStepExecution execution = (DeployStepExecution) ctx.start(deploy(app, v2));
        await().atMost(Duration.ofMinutes(1)).until(() -> execution.lastEventId() >= 2);

        // stop() runs on the CPS VM thread: with the runner frozen it must still return at once, the abort
        // waiting elsewhere until the runner answers (the client's request timeout is a minute).
        runner.freeze();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> execution.stop(new InterruptedException("build aborted by a person")));
            assertThat(ctx.outcome()).isNotDone();
        } finally {
            runner.thaw();
        }

        assertThatThrownBy(() -> ctx.await(execution, Duration.ofSeconds(30)))
                .isInstanceOf(InterruptedException.class);
        String releaseId = (String) execution.summary().get("release");
        await().atMost(Duration.ofMinutes(1)).until(() -> client.release(releaseId).phase() == Phase.Aborted);
        assertThat(ctx.log()).contains("build stopped: the runner aborted it");
        assertThat(get(20084, "/cgi-bin/hello")).contains("v1");
    }

    @Test
    void waitNoneReturnsOnceTheRunnerAcceptedTheRelease() throws Exception {
        String app = app("dep-none");
        writeCompose(20085, "");
        DeployStep step = deploy(app, v1);
        step.setWait("none");

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) context().run(step, DEPLOY_TIMEOUT);

        String releaseId = (String) result.get("release");
        assertThat(releaseId).isNotBlank();
        assertThat(Phase.valueOf((String) result.get("phase")).isTerminal()).isFalse();
        await().atMost(DEPLOY_TIMEOUT).until(() -> client.release(releaseId).phase() == Phase.Succeeded);
    }

    @Test
    void aMissingComposeFileFailsBeforeTheRunnerIsCalled() throws Exception {
        String app = app("dep-missing");
        DeployStep step = deploy(app, v1);
        step.setCompose("nope/compose.yml");

        assertThatThrownBy(() -> context().run(step, DEPLOY_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("compose file 'nope/compose.yml' not found");
        assertThat(client.apps()).noneMatch(a -> a.name().equals(app));
    }

    @Test
    void anInvalidComposeFileFailsWithTheFieldPathTheRunnerNamed() throws Exception {
        String app = app("dep-invalid");
        writeCompose(20086, "");
        Path compose = workspace.resolve("compose.yml");
        Files.writeString(compose, Files.readString(compose).replace("replicas: 2", "replicas: lots"));

        assertThatThrownBy(() -> context().run(deploy(app, v1), DEPLOY_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("services.web.deploy.replicas");
    }

    @Test
    void validateOnlyPrintsAndReturnsTheRunnersPlanAndCreatesNothing() throws Exception {
        String app = app("dep-validate");
        writeCompose(20087, "");
        DeployStep step = deploy(app, v1);
        step.setValidateOnly(true);
        TestStepContext ctx = context();

        @SuppressWarnings("unchecked")
        Map<String, Object> plan = (Map<String, Object>) ctx.run(step, DEPLOY_TIMEOUT);

        assertThat(plan).containsKeys("services", "startOrder");
        assertThat(String.valueOf(plan.get("startOrder"))).contains("web");
        assertThat(ctx.log()).contains("(validateOnly: nothing is deployed)")
                .containsPattern("(?m)^\\[slipway\\] plan +\"services\" : ");
        assertThat(client.apps()).noneMatch(a -> a.name().equals(app));
        assertThat(ctx.run().getActions(ReleaseAction.class)).isEmpty();
    }

    @Test
    void validateOnlyFailsWithEveryProblemTheRunnerFindsAndCreatesNothing() throws Exception {
        String app = app("dep-validate-bad");
        writeCompose(20088, "");
        Path compose = workspace.resolve("compose.yml");
        Files.writeString(compose, Files.readString(compose).replace("replicas: 2", "replicas: lots")
                .replace("order: start-first", "order: sideways"));
        DeployStep step = deploy(app, v1);
        step.setValidateOnly(true);

        assertThatThrownBy(() -> context().run(step, DEPLOY_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("services.web.deploy.replicas")
                .hasMessageContaining("services.web.deploy.update_config.order");
        assertThat(client.apps()).noneMatch(a -> a.name().equals(app));
    }

    @Test
    void anExecutionSavedMidReleaseAndResumedContinuesFromItsLastEvent() throws Exception {
        String app = app("dep-resume");
        writeCompose(20087, "");
        Path compose = workspace.resolve("compose.yml");
        Files.writeString(compose, Files.readString(compose).replace("replicas: 2", "replicas: 4"));
        TestStepContext before = context();
        DeployStepExecution execution = (DeployStepExecution) before.start(deploy(app, v1));
        await().atMost(Duration.ofMinutes(1)).until(() -> execution.lastEventId() >= 2);

        // What a controller restart does: the program (with this execution) is written out, the JVM goes away,
        // a new one reads the program back with a new context and calls onResume().
        CapturingListener continued = new CapturingListener();
        byte[] saved;
        synchronized (execution) {
            saved = ContextSwap.serialize(execution);
            continued.getLogger().print(before.log());
        }
        long savedAt = execution.lastEventId();
        TestStepContext after = TestStepContext.in(workspace.toFile());
        after.with(TaskListener.class, continued);
        DeployStepExecution resumed = (DeployStepExecution) ContextSwap.deserialize(saved, after);
        // The old execution is left to run on into its own (now unread) log, as a dead JVM's would not:
        // stopping it would abort the release, which is what stopping a build means.
        resumed.onResume();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) after.await(resumed, DEPLOY_TIMEOUT);

        assertThat(result).containsEntry("phase", "Succeeded");
        assertThat(resumed.lastEventId()).isGreaterThan(savedAt);
        String log = continued.text();
        assertThat(log).contains("resuming release " + result.get("release") + " after event ");
        assertInOrderOnce(log, allEvents((String) result.get("release")));
    }

    @Test
    void whenTheRunnerDiesMidReleaseTheStepReconnectsAndTheLogGoesOnWithoutGapsOrRepeats() throws Exception {
        String app = app("dep-reconnect");
        RunnerProcess own = RunnerProcess.start(20789, shared.resolve("reconnect-runner"));
        try {
            own.register();
            writeCompose(20088, "");
            Path compose = workspace.resolve("compose.yml");
            Files.writeString(compose, Files.readString(compose).replace("replicas: 2", "replicas: 4"));
            TestStepContext ctx = context();
            DeployStepExecution execution = (DeployStepExecution) ctx.start(deploy(app, v1));
            await().atMost(Duration.ofMinutes(1)).until(() -> execution.lastEventId() >= 2);

            own.killHard();
            await().atMost(Duration.ofSeconds(30)).until(() -> ctx.log().contains("dropped"));
            own = own.restart();

            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) ctx.await(execution, DEPLOY_TIMEOUT);
            assertThat(result).containsEntry("phase", "Succeeded");
            assertThat(ctx.log()).contains("reconnecting from event ");
            List<ReleaseEvent> events = allEvents(own.client(), (String) result.get("release"));
            assertInOrderOnce(ctx.log(), events);
        } finally {
            try {
                own.deleteApps(List.of(app));
            } finally {
                own.close();
            }
        }
    }

    @Test
    void twoDeploysInParallelBranchesEachFollowTheirOwnRelease() throws Exception {
        String a = app("dep-par-a");
        String b = app("dep-par-b");
        Path wsA = Files.createDirectories(workspace.resolve("a"));
        Path wsB = Files.createDirectories(workspace.resolve("b"));
        writeCompose(20094, "");
        Files.copy(workspace.resolve("compose.yml"), wsA.resolve("compose.yml"));
        writeCompose(20095, "");
        Files.copy(workspace.resolve("compose.yml"), wsB.resolve("compose.yml"));
        TestStepContext ctxA = TestStepContext.in(wsA.toFile());
        TestStepContext ctxB = TestStepContext.in(wsB.toFile());

        StepExecution execA = ctxA.start(deploy(a, v1));
        StepExecution execB = ctxB.start(deploy(b, v2));
        @SuppressWarnings("unchecked")
        Map<String, Object> resultA = (Map<String, Object>) ctxA.await(execA, DEPLOY_TIMEOUT);
        @SuppressWarnings("unchecked")
        Map<String, Object> resultB = (Map<String, Object>) ctxB.await(execB, DEPLOY_TIMEOUT);

        assertThat(resultA).containsEntry("app", a).containsEntry("phase", "Succeeded");
        assertThat(resultB).containsEntry("app", b).containsEntry("phase", "Succeeded");
        assertThat(ctxA.log()).contains(a + "#1 ReleaseSucceeded").doesNotContain(b + "#");
        assertThat(ctxB.log()).contains(b + "#1 ReleaseSucceeded").doesNotContain(a + "#");
        assertInOrderOnce(ctxA.log(), allEvents((String) resultA.get("release")));
        assertInOrderOnce(ctxB.log(), allEvents((String) resultB.get("release")));
        assertThat(get(20094, "/cgi-bin/hello")).contains("v1");
        assertThat(get(20095, "/cgi-bin/hello")).contains("v2");
    }

    // ---- helpers

    private static String app(String name) {
        assertThat(APPS).as("apps the clean-up knows").contains(name);
        return name;
    }

    private DeployStep deploy(String app, String image) {
        DeployStep step = new DeployStep(app);
        step.setImages(Map.of("web", image));
        step.setTimeout(4);
        return step;
    }

    private TestStepContext context() {
        return TestStepContext.in(workspace.toFile()).env("BUILD_URL", "http://jenkins.invalid/job/demo/1/");
    }

    /** A two-replica demo app on route {@code port}; {@code extra} is appended to the service (indented). */
    private void writeCompose(int port, String extra) throws IOException {
        Files.writeString(workspace.resolve("compose.yml"), """
                services:
                  web:
                    image: placeholder
                    deploy:
                      replicas: 2
                      update_config:
                        parallelism: 1
                        order: start-first
                        monitor: 60s
                    x-slipway:
                      route:
                        port: %d
                        targetPort: 8080
                """.formatted(port) + extra);
    }

    /** Every event of a finished release, straight from the runner. */
    private static List<ReleaseEvent> allEvents(String releaseId) throws Exception {
        return allEvents(client, releaseId);
    }

    private static List<ReleaseEvent> allEvents(RunnerClient client, String releaseId) throws Exception {
        List<ReleaseEvent> events = new ArrayList<>();
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        try (RunnerClient.EventSubscription s = client.subscribe(releaseId, 0, events::add,
                t -> closed.complete(t))) {
            assertThat(closed.get(30, TimeUnit.SECONDS)).isNull();
        }
        return events;
    }

    /** Each event's log line appears exactly once, and in the runner's order. */
    private static void assertInOrderOnce(String log, List<ReleaseEvent> events) {
        int from = 0;
        for (ReleaseEvent e : events) {
            String line = e.type() + " " + e.message();
            int at = log.indexOf(line, from);
            assertThat(at).as("event %d '%s' in the log after offset %d:\n%s", e.id(), line, from, log)
                    .isGreaterThanOrEqualTo(0);
            assertThat(log.indexOf(line, at + line.length()))
                    .as("event %d '%s' written twice:\n%s", e.id(), line, log).isLessThan(0);
            from = at + line.length();
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Java serialization of an execution with its context swapped out and in, as workflow-cps does with its
     * pickles: the context is not written, and the reading side supplies the new one.
     */
    private static final class ContextSwap {
        private enum Marker implements Serializable { CONTEXT }

        static byte[] serialize(StepExecution execution) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new Out(bytes)) {
                out.writeObject(execution);
            }
            return bytes.toByteArray();
        }

        static StepExecution deserialize(byte[] bytes, StepContext context) throws Exception {
            try (ObjectInputStream in = new In(new ByteArrayInputStream(bytes), context)) {
                return (StepExecution) in.readObject();
            }
        }

        private static final class Out extends ObjectOutputStream {
            Out(OutputStream out) throws IOException {
                super(out);
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object obj) {
                return obj instanceof StepContext ? Marker.CONTEXT : obj;
            }
        }

        private static final class In extends ObjectInputStream {
            private final StepContext context;

            In(InputStream in, StepContext context) throws IOException {
                super(in);
                this.context = context;
                enableResolveObject(true);
            }

            @Override
            protected Object resolveObject(Object obj) {
                return obj == Marker.CONTEXT ? context : obj;
            }
        }
    }
}
