package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets and configs on the real engine, deployed with the CLI's {@code deploy -f} as a user would: the values
 * read from files beside the Compose file are at their targets inside the container, with their owner and mode, and
 * nowhere else: not in the runner's data dir, its log, the release events, any API answer, the CLI's output, the
 * container's environment or {@code docker inspect}. A changed value makes a new revision, a rollback brings the
 * old value back, and deleting the app forgets its sealed values.
 */
class SecretsIT {
    private static final String APP = "it-secrets";
    private static final Pattern RELEASE = Pattern.compile("release (\\S+)");
    private static final Duration RELEASE_END = Duration.ofMinutes(2);

    @TempDir
    static Path project;

    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("secrets", List.of(APP), "v1");
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
    void secretsAreReadableAtTheirTargetsAndNowhereElse() throws Exception {
        String dbPassword = SecretsUsed.record("db-pw-" + UUID.randomUUID());
        String apiKey = SecretsUsed.record("api-key-" + UUID.randomUUID());
        Files.writeString(project.resolve("db_password.txt"), dbPassword);
        Files.writeString(project.resolve("api.key"), apiKey);
        Files.writeString(project.resolve("motd.txt"), "welcome to shop\n");
        Files.writeString(project.resolve("web.env"), "# read by the CLI\nGREETING=\"hello from env_file\"\nMODE=dev\n");
        Path compose = project.resolve("compose.yml");
        Files.writeString(compose, """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    env_file: web.env
                    environment: {MODE: prod}
                    secrets:
                      - db_password
                      - {source: api_key, target: api.key, uid: "1000", gid: "1001", mode: 0400}
                    configs:
                      - {source: motd, target: /etc/motd}
                secrets:
                  db_password: {file: ./db_password.txt}
                  api_key: {file: ./api.key}
                configs:
                  motd: {file: ./motd.txt}
                """.formatted(fixture.image("v1")));

        List<String> answers = new ArrayList<>();
        String first = deploy(compose, answers);
        String container = Docker.replica(APP, "web", 1, 1);

        assertThat(exec(container, "cat", "/run/secrets/db_password")).isEqualTo(dbPassword);
        assertThat(exec(container, "cat", "/run/secrets/api.key")).isEqualTo(apiKey);
        assertThat(exec(container, "stat", "-c", "%a %u %g", "/run/secrets/api.key").trim()).isEqualTo("400 1000 1001");
        assertThat(exec(container, "stat", "-c", "%a %u %g", "/run/secrets/db_password").trim()).isEqualTo("444 0 0");
        assertThat(exec(container, "cat", "/etc/motd")).isEqualTo("welcome to shop\n");
        assertThat(exec(container, "env")).contains("GREETING=hello from env_file", "MODE=prod")
                .doesNotContain(dbPassword, apiKey);

        answers.add(api("/api/v1/apps"));
        answers.add(api("/api/v1/apps/" + APP));
        answers.add(api("/api/v1/releases/" + first));
        answers.add(api("/api/v1/releases/" + first + "/events"));
        answers.add(api("/api/v1/releases/" + first + "/plan"));
        answers.add(Cli.run("status", APP, "--url", runner.url(), "--token-file", runner.tokenFile().toString()).output());
        answers.add(Docker.run("inspect", container));
        assertThat(answers.get(answers.size() - 4)).as("the events were read").contains("ReleaseSucceeded");
        assertNowhere(List.of(dbPassword, apiKey), answers);

        String changed = SecretsUsed.record("db-pw-" + UUID.randomUUID());
        Files.writeString(project.resolve("db_password.txt"), changed);
        deploy(compose, answers);
        assertThat(client.app(APP).revision()).as("a changed secret is a new revision").isEqualTo(2);
        assertThat(exec(Docker.replica(APP, "web", 2, 1), "cat", "/run/secrets/db_password")).isEqualTo(changed);

        Cli unchanged = Cli.run("deploy", APP, "-f", compose.toString(), "--url", runner.url(), "--token-file",
                runner.tokenFile().toString());
        assertThat(unchanged.stdout()).as(unchanged.output()).contains("unchanged at revision 2");

        String rollback = client.rollback(APP).release();
        assertThat(Apps.awaitEnd(client, rollback, RELEASE_END).phase()).isEqualTo(Phase.Succeeded);
        AppStatus back = client.app(APP);
        assertThat(exec(Docker.replica(APP, "web", back.revision(), 1), "cat", "/run/secrets/db_password"))
                .as("a rollback mounts the value sealed with the revision it goes back to").isEqualTo(dbPassword);

        answers.add(runner.logText());
        answers.add(Docker.run("inspect", Docker.replica(APP, "web", back.revision(), 1)));
        assertNowhere(List.of(dbPassword, apiKey, changed), answers);
        assertNotInDataDir(List.of(dbPassword, apiKey, changed));

        fixture.deleteApp(APP);
        assertThat(runner.dataDir().resolve("secrets").resolve(APP)).doesNotExist();
    }

    /** {@code slipway-runner deploy -f --watch}; returns the release id. */
    private static String deploy(Path compose, List<String> answers) throws Exception {
        Cli cli = Cli.run("deploy", APP, "-f", compose.toString(), "--watch", "--url", runner.url(), "--token-file",
                runner.tokenFile().toString());
        answers.add(cli.output());
        assertThat(cli.exit()).as(cli.output()).isZero();
        Matcher m = RELEASE.matcher(cli.stdout());
        assertThat(m.find()).as(cli.output()).isTrue();
        return m.group(1).replaceAll("[^A-Za-z0-9-]", "");
    }

    private static String exec(String container, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("exec", container, "/bin/busybox"));
        args.addAll(List.of(command));
        return Docker.run(args.toArray(String[]::new));
    }

    private static String api(String path) throws Exception {
        HttpResponse<String> rsp = Http.send("GET", runner.url() + path, runner.token(), null);
        assertThat(rsp.statusCode()).as(path + ": " + rsp.body()).isEqualTo(200);
        return rsp.body();
    }

    private static void assertNowhere(List<String> values, List<String> texts) {
        for (String text : texts) {
            for (String value : values) {
                assertThat(text.contains(value)).as("a secret value (" + value.length() + " characters) in: "
                        + text.substring(0, Math.min(200, text.length()))).isFalse();
            }
        }
    }

    /** Every file of the data dir, as bytes: the database, the sealed values, the key, the tokens, the logs. */
    private static void assertNotInDataDir(List<String> values) throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(runner.dataDir())) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("the data dir holds sealed values").anyMatch(f -> f.toString().endsWith(".sealed"));
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String value : values) {
                assertThat(bytes.contains(value)).as(f + " holds a secret value").isFalse();
            }
        }
        assertThat(Files.getPosixFilePermissions(runner.dataDir().resolve("secrets.key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
