package io.jenkins.plugins.slipway.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import hudson.AbortException;
import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.config.Registry;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.AuthRegistry;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RegistryApi;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** slipwayPush against real registries: the digest it returns, logins right and wrong, retries. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlipwayPushStepIT {
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);
    private static final String USER = "ci-bot";
    private static final String PASSWORD = "s3cret-Pa55-" + System.nanoTime();

    @TempDir
    Path workspace;
    @TempDir
    Path registryDir;

    private AuthRegistry authRegistry;

    @BeforeEach
    void freshJenkins() throws Exception {
        StandIn.reset();
        DockerFixture.context(workspace, "FROM scratch\nCOPY busybox /bin/sh\nLABEL probe=" + System.nanoTime() + "\n");
    }

    @AfterEach
    void stopRegistry() {
        if (authRegistry != null) {
            DockerFixture.removeImages(authRegistry.host() + "/slipway-it/");
            authRegistry.close();
        }
    }

    @AfterAll
    static void removeImages() {
        DockerFixture.removeImages(DockerFixture.REPO_PREFIX + "push");
    }

    @Test
    void returnsTheDigestTheRegistryStores() throws Exception {
        String repo = DockerFixture.REPO_PREFIX + "push";
        Map<String, Object> built = build(repo, "digest-1", "digest-latest");

        SlipwayPushStep push = new SlipwayPushStep();
        push.setBuild(built);
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        String pushed = (String) ctx.run(push, STEP_TIMEOUT);

        assertThat(pushed).startsWith(repo + "@sha256:");
        String digest = pushed.substring(pushed.indexOf('@') + 1);
        assertThat(RegistryApi.manifestDigest(DockerFixture.REGISTRY, "slipway-it/push", "digest-1", null, null)).isEqualTo(digest);
        assertThat(RegistryApi.manifestDigest(DockerFixture.REGISTRY, "slipway-it/push", "digest-latest", null, null)).isEqualTo(digest);
        assertThat(ctx.log()).contains("[slipwayPush] Pushed " + pushed);
    }

    @Test
    void pushesWithTheCredentialAndFromOutsideANodeBlock() throws Exception {
        authRegistry = AuthRegistry.start(registryDir, USER, PASSWORD);
        String repo = authRegistry.host() + "/slipway-it/auth";
        build(repo, "ok");
        TestCredentials.usernamePassword("registry-bot", USER, PASSWORD);

        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage(repo);
        push.setTags(List.of("ok"));
        push.setCredentialsId("registry-bot");
        TestStepContext ctx = TestStepContext.withoutWorkspace();
        String pushed = (String) ctx.run(push, STEP_TIMEOUT);

        assertThat(pushed).isEqualTo(repo + "@" + RegistryApi.manifestDigest(authRegistry.host(), "slipway-it/auth", "ok", USER, PASSWORD));
        assertThat(ctx.log()).doesNotContain(PASSWORD);
    }

    @Test
    void usesTheRegistryDefaultCredentialFromTheGlobalConfiguration() throws Exception {
        authRegistry = AuthRegistry.start(registryDir, USER, PASSWORD);
        String repo = authRegistry.host() + "/slipway-it/default-cred";
        build(repo, "ok");
        TestCredentials.usernamePassword("registry-default", USER, PASSWORD);
        Registry registry = new Registry("http://" + authRegistry.host());
        registry.setCredentialsId("registry-default");
        SlipwayConfiguration.get().setRegistries(List.of(registry));

        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage(repo);
        push.setTags(List.of("ok"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        String pushed = (String) ctx.run(push, STEP_TIMEOUT);

        assertThat(pushed).startsWith(repo + "@sha256:");
        assertThat(ctx.log()).contains("credential 'registry-default'");
    }

    @Test
    void wrongPasswordFailsNamingRegistryAndCredentialButNotThePassword() throws Exception {
        authRegistry = AuthRegistry.start(registryDir, USER, PASSWORD);
        String repo = authRegistry.host() + "/slipway-it/auth";
        build(repo, "denied");
        String wrong = "wrong-" + PASSWORD;
        TestCredentials.usernamePassword("registry-bot", USER, wrong);

        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage(repo);
        push.setTags(List.of("denied"));
        push.setCredentialsId("registry-bot");
        TestStepContext ctx = TestStepContext.in(workspace.toFile());

        assertThatThrownBy(() -> ctx.run(push, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("registry " + authRegistry.host() + " rejected the login of credential 'registry-bot'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain(PASSWORD));
        assertThat(ctx.log()).doesNotContain(wrong);
        // No attempt is repeated: a refused login is not transient.
        assertThat(ctx.log()).doesNotContain("retrying");
        // Nothing on disk under the workspace or the user's docker config holds the password.
        try (Stream<Path> files = Files.walk(workspace)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!f.getFileName().toString().equals("busybox")) {
                    assertThat(Files.readString(f)).doesNotContain(wrong);
                }
            }
        }
        Path dockerConfig = Path.of(System.getProperty("user.home"), ".docker", "config.json");
        if (Files.exists(dockerConfig)) {
            assertThat(Files.readString(dockerConfig)).doesNotContain(wrong);
        }
    }

    /** The registry goes down before the push and stays down: bounded retries, then a failure naming it. */
    @Test
    void aRegistryThatStaysDownFailsNamingTheRegistryAfterBoundedRetries() throws Exception {
        String repo = builtThenRegistryDown("down", "retry");
        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage(repo);
        push.setTags(List.of("retry"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile());

        assertThatThrownBy(() -> ctx.run(push, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("slipwayPush: registry " + authRegistry.host() + ": could not push "
                        + repo + ":retry in 4 attempts over ");
        assertThat(ctx.log())
                .contains("push " + repo + ":retry failed (attempt 1 of 4)", "retrying in 2 s")
                .contains("(attempt 2 of 4)", "retrying in 4 s")
                .contains("(attempt 3 of 4)", "retrying in 8 s")
                .doesNotContain("(attempt 4 of 4)", "retrying in 16 s");
    }

    /** The registry is down when the push starts and comes back while the step waits between attempts. */
    @Test
    void aRegistryThatComesBackWithinTheRetriesGetsThePush() throws Exception {
        String repo = builtThenRegistryDown("back", "back");
        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage(repo);
        push.setTags(List.of("back"));
        TestStepContext ctx = TestStepContext.in(workspace.toFile());

        var execution = ctx.start(push);
        await().atMost(Duration.ofMinutes(1)).until(() -> ctx.log().contains("(attempt 1 of 4)"));
        authRegistry.resume();
        String pushed = (String) ctx.await(execution, STEP_TIMEOUT);

        assertThat(pushed).isEqualTo(repo + "@" + RegistryApi.manifestDigest(authRegistry.host(), "slipway-it/back", "back", null, null));
        assertThat(ctx.log()).contains("push " + repo + ":back failed (attempt 1 of 4)").contains("; retrying in 2 s");
    }

    @Test
    void unknownCredentialFailsBeforePushing() throws Exception {
        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage(DockerFixture.REPO_PREFIX + "push");
        push.setTags(List.of("x"));
        push.setCredentialsId("missing");
        TestStepContext ctx = TestStepContext.in(workspace.toFile());
        assertThatThrownBy(() -> ctx.run(push, STEP_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Credential 'missing' was not found");
    }

    @SuppressWarnings("unchecked")
    /** An image built for a registry of the test's own, which is then stopped: its port refuses connections. */
    private String builtThenRegistryDown(String name, String tag) throws Exception {
        authRegistry = AuthRegistry.startAnonymous(registryDir);
        String repo = authRegistry.host() + "/slipway-it/" + name;
        build(repo, tag);
        authRegistry.stop();
        return repo;
    }

    private Map<String, Object> build(String repo, String... tags) throws Exception {
        SlipwayBuildStep step = new SlipwayBuildStep(repo);
        step.setTags(List.of(tags));
        return (Map<String, Object>) TestStepContext.in(workspace.toFile()).run(step, STEP_TIMEOUT);
    }
}
