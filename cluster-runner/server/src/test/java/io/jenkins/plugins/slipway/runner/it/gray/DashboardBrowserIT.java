package io.jenkins.plugins.slipway.runner.it.gray;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.Cause;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's dashboard in a real browser (Debian's headless Chromium, driven by playwright-core from
 * {@code src/test/browser/dashboard.test.mjs}) against a real runner and a canary on the real engine: a wrong token
 * refused, the canary followed live from step to step, its analysis charts, promotion through the button and its
 * confirmation, success; and a read-only token that sees no command. Screenshots of each state are kept in
 * {@code target/dashboard-screenshots}.
 */
@WholeMachine("drives a headless Chromium")
class DashboardBrowserIT {
    private static final String APP = "gray-dash";
    private static final Path BROWSER_DIR = Path.of(System.getProperty("slipway.browser.dir", "src/test/browser"));
    private static final Path SCRIPT = BROWSER_DIR.resolve("dashboard.test.mjs");
    private static final Path CHROMIUM = Path.of(System.getProperty("slipway.chromium", "/usr/bin/chromium"));
    private static final Path SHOTS = Path.of("target/dashboard-screenshots");
    private static final String BUILD_URL = "http://127.0.0.1:8080/job/shop/12/";
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(6);
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static int routePort;
    private static String v2;
    private static String compose;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("Chromium is needed for the dashboard's browser test: apt-get install -y chromium")
                .isExecutable();
        assertThat(BROWSER_DIR.resolve("node_modules/playwright-core")).as("playwright-core is needed for the"
                + " dashboard's browser test: run npm ci in " + BROWSER_DIR.toAbsolutePath()).isDirectory();
        fixture = RunnerFixture.start("dashboard", 22000, 22049, List.of(APP));
        runner = fixture.runner();
        client = fixture.client();
        String v1 = GrayImages.web("v1");
        v2 = GrayImages.web("v2");
        routePort = RunnerProcess.freePort(22050, 22099);
        compose = GrayApps.app(GrayApps.service("web", v1, 2, routePort, """
                strategy: canary
                steps:
                  - setWeight: 20
                  - pause: {duration: 6s}
                  - setWeight: 50
                  - pause: {}
                analysis:
                  interval: 2s
                  failureLimit: 3
                  inconclusiveLimit: 3
                  metrics:
                    - name: traffic
                      router: {successRate: 0.95, maxP99Ms: 2000, minRequests: 5}
                """));
        String first = client.deploy(APP, new DeployRequest(compose, Map.of(), null)).release();
        ReleaseStatus s = Apps.awaitEnd(client, first, Duration.ofSeconds(90));
        assertThat(s.phase()).as(s.message()).isEqualTo(Phase.Succeeded);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void personFollowsACanaryAndPromotesItWithTheButton() throws Exception {
        String[] release = new String[1];
        try (GrayLoad load = new GrayLoad(routePort, 2, 60_000, Duration.ofMinutes(4))) {
            load.awaitAnswers(0, 20, Duration.ofSeconds(30));
            Result r = runScript("main", Map.of("DASH_TOKEN", runner.token(), "DASH_BUILD_URL", BUILD_URL), (line, stdin) -> {
                if (line.equals("READY")) {
                    release[0] = client.deploy(APP, new DeployRequest(compose, Map.of("web", v2),
                            new Cause(BUILD_URL, 12, "3f2a9c1e"))).release();
                    stdin.write(release[0] + "\n");
                    stdin.close();
                }
            });
            assertThat(r.exitCode).as("the browser script failed:\n" + r.output).isZero();
        }
        assertThat(release[0]).as("the script never said READY").isNotNull();
        // The button did it: the runner has the release promoted to the end.
        ReleaseStatus end = client.release(release[0]);
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        assertThat(end.canaryWeight()).isEqualTo(100);
        for (String shot : List.of("01-login", "02-wrong-token-refused", "03-apps", "04-canary-paused-at-step-4",
                "04b-apps-during-canary", "05-promote-confirmation", "06-succeeded", "07-apps-after-release")) {
            assertThat(SHOTS.resolve(shot + ".png")).isNotEmptyFile();
        }
    }

    @Test
    void readOnlyTokenSeesTheReleaseButNoCommand() throws Exception {
        HttpResponse<String> created = Http.send("POST", runner.url() + "/api/v1/tokens", runner.token(),
                "{\"name\": \"dashboard-reader\", \"role\": \"read\"}");
        assumeTrue(created.statusCode() != 404, "POST /api/v1/tokens does not exist on this runner yet (scoped tokens"
                + " come with the security branch): the read-only case runs once it is merged");
        assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);
        String readToken = new ObjectMapper().readTree(created.body()).path("token").asText();
        assertThat(readToken).as("token in " + created.statusCode() + " answer").isNotBlank();
        String release = client.app(APP).currentRelease();
        Result r = runScript("read-only", Map.of("DASH_READ_TOKEN", readToken, "DASH_RELEASE", release), (l, in) -> { });
        assertThat(r.exitCode).as("the browser script failed:\n" + r.output).isZero();
        assertThat(SHOTS.resolve("08-read-only.png")).isNotEmptyFile();
    }

    /** What the script printed and how it ended. */
    private record Result(int exitCode, String output) {
    }

    /** Answers a line of the script's output, writing to its stdin if it asks. */
    @FunctionalInterface
    private interface LineHandler {
        void accept(String line, Writer stdin) throws IOException;
    }

    private static Result runScript(String scenario, Map<String, String> env, LineHandler handler) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.getFileName().toString()).directory(BROWSER_DIR.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("DASH_URL", runner.url());
        pb.environment().put("DASH_APP", APP);
        pb.environment().put("DASH_SCENARIO", scenario);
        pb.environment().put("DASH_SHOTS", SHOTS.toAbsolutePath().toString());
        pb.environment().put("DASH_CHROMIUM", CHROMIUM.toString());
        Process p = pb.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Writer stdin = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> read(p, output, line -> {
            try {
                handler.accept(line, stdin);
            } catch (IOException | RuntimeException e) {
                output.add("(test side failed on \"" + line + "\": " + e + ")");
            }
        }), "dashboard-script-output");
        reader.start();
        if (!p.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError("the browser script did not end within " + SCRIPT_LIMIT + ":\n"
                    + String.join("\n", output));
        }
        reader.join(5_000);
        String text = String.join("\n", output);
        System.out.println("dashboard script (" + scenario + "):\n" + text);
        return new Result(p.exitValue(), text);
    }

    private static void read(Process p, List<String> output, Consumer<String> onLine) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                onLine.accept(line);
            }
        } catch (IOException e) {
            output.add("(output unreadable: " + e + ")");
        }
    }
}
