package io.jenkins.plugins.slipway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DemoAppFixture;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.SecretsUsed;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import io.jenkins.plugins.slipway.testing.TestFolder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * slipwayDeploy with Compose secrets against a real runner on the real engine: a secret from a workspace file, one
 * from a Secret text credential and one from a Secret file credential (resolved through the build), and a config
 * from the build's environment are readable at their targets in the container, and no value appears in the build
 * log, the runner's log, its data dir, its API answers or {@code docker inspect}. A credential the build cannot use
 * fails the step naming the field, and nothing is deployed.
 */
class DeploySecretsIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "deploy-secrets";
    private static final String APP = "dep-secrets";
    private static final String DENIED = "dep-secrets-denied";
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    static Path shared;
    private static DemoAppFixture demo;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @TempDir
    Path workspace;

    @BeforeAll
    static void startRunnerAndBuildImage() throws Exception {
        demo = DemoAppFixture.start(shared, REPO, 20791, List.of(APP, DENIED), "v1");
        runner = demo.runner();
        client = demo.client();
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
    void secretsFromTheWorkspaceAndFromCredentialsReachTheContainerAndNothingElse() throws Exception {
        String fromFile = SecretsUsed.record("file-secret-" + UUID.randomUUID());
        String fromText = UUID.randomUUID() + "-text-credential";
        String fromSecretFile = "-----BEGIN KEY-----\n" + UUID.randomUUID() + "\n-----END KEY-----\n";
        TestCredentials.secretText("shop-api-key", fromText);
        TestCredentials.secretFile("shop-tls-key", "tls.key", fromSecretFile);
        String compose = writeApp("""
                    secrets:
                      - db_password
                      - {source: api_key, target: /etc/shop/api.key, mode: 0400}
                      - tls_key
                    configs:
                      - {source: banner, target: /etc/banner}
                secrets:
                  db_password: {file: ../secrets/db_password.txt}
                  api_key: {x-slipway: {credentialsId: shop-api-key}}
                  tls_key: {x-slipway: {credentialsId: shop-tls-key}}
                configs:
                  banner: {environment: BANNER}
                """);
        Files.createDirectories(workspace.resolve("secrets"));
        Files.writeString(workspace.resolve("secrets/db_password.txt"), fromFile);
        TestStepContext ctx = context().env("BANNER", "shop build 7");

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) ctx.run(deploy(APP, compose), DEPLOY_TIMEOUT);

        assertThat(result).containsEntry("phase", "Succeeded");
        String container = container(APP);
        assertThat(exec(container, "cat", "/run/secrets/db_password")).isEqualTo(fromFile);
        assertThat(exec(container, "cat", "/etc/shop/api.key")).isEqualTo(fromText);
        assertThat(exec(container, "stat", "-c", "%a", "/etc/shop/api.key").trim()).isEqualTo("400");
        assertThat(exec(container, "cat", "/run/secrets/tls_key")).isEqualTo(fromSecretFile);
        assertThat(exec(container, "cat", "/etc/banner")).isEqualTo("shop build 7");
        assertThat(ctx.log()).contains("with secrets [db_password, api_key, tls_key], configs [banner]");

        String release = (String) result.get("release");
        List<String> texts = new ArrayList<>();
        texts.add(ctx.log());
        texts.add(Files.readString(runner.logFile()));
        texts.add(docker("inspect", container));
        texts.add(exec(container, "env"));
        for (String path : List.of("/api/v1/apps", "/api/v1/apps/" + APP, "/api/v1/releases/" + release,
                "/api/v1/releases/" + release + "/events", "/api/v1/releases/" + release + "/plan")) {
            texts.add(api(path));
        }
        try (Stream<Path> files = Files.walk(runner.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                texts.add(f + ": " + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        for (String text : texts) {
            for (String value : List.of(fromFile, fromText, fromSecretFile.strip().split("\n")[1])) {
                assertThat(text.contains(value)).as("a secret value in " + text.substring(0, Math.min(120, text.length())))
                        .isFalse();
            }
        }
    }

    @Test
    void aCredentialOfAnotherFolderFailsTheStepNamingTheFieldAndDeploysNothing() throws Exception {
        TestCredentials.secretText(new TestFolder("billing"), "someone-elses-key", "billing-" + UUID.randomUUID());
        String compose = writeApp("""
                    secrets: [api_key]
                secrets:
                  api_key: {x-slipway: {credentialsId: someone-elses-key}}
                """);
        TestStepContext ctx = context();

        assertThatThrownBy(() -> ctx.run(deploy(DENIED, compose), DEPLOY_TIMEOUT))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("secrets.api_key.x-slipway.credentialsId")
                .hasMessageContaining("someone-elses-key");
        assertThatThrownBy(() -> client.app(DENIED)).isInstanceOfSatisfying(RunnerException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }

    // ---- helpers

    /** The demo web service with {@code extra} (indented for the service, then top-level keys) in deploy/compose.yml. */
    private String writeApp(String extra) throws IOException {
        Path dir = Files.createDirectories(workspace.resolve("deploy"));
        Files.writeString(dir.resolve("compose.yml"), """
                services:
                  web:
                    image: placeholder
                """ + extra);
        return "deploy/compose.yml";
    }

    private static DeployStep deploy(String app, String compose) {
        DeployStep step = new DeployStep(app);
        step.setCompose(compose);
        step.setImages(Map.of("web", demo.image("v1")));
        step.setTimeout(4);
        return step;
    }

    private TestStepContext context() {
        return TestStepContext.in(workspace.toFile()).env("BUILD_URL", "http://jenkins.invalid/job/secrets/1/");
    }

    private static String container(String app) throws Exception {
        String ids = docker("ps", "-q", "--filter", "label=io.slipway.app=" + app).trim();
        assertThat(ids).as("one running container of " + app).isNotEmpty().doesNotContain("\n");
        return ids;
    }

    private static String exec(String container, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return docker(args.toArray(String[]::new));
    }

    private static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private static String api(String path) throws Exception {
        HttpClient http = runner.url().startsWith("https:") ? HttpClient.newBuilder().sslContext(
                io.jenkins.plugins.slipway.runner.client.RunnerTls.pinning(runner.fingerprint()).sslContext()).build()
                : HttpClient.newHttpClient();
        HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create(runner.url() + path))
                .header("Authorization", "Bearer " + runner.token()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).as(path + ": " + rsp.body()).isEqualTo(200);
        return rsp.body();
    }
}
