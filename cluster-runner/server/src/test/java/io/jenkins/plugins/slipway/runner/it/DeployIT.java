package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Deploy, read, refuse: one real runner process, one three-replica app on a route. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployIT {
    private static final String APP = "it-deploy";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAILING = "it-fail";
    private static final String TAKEN = "it-taken";
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static int routePort;
    private static String compose;
    private static String release;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("deploy", List.of(APP, FAILING, TAKEN), "v1");
        runner = fixture.runner();
        client = fixture.client();
        routePort = RunnerProcess.freePort(18100, 18199);
        compose = Apps.web(fixture.image("v1"), 3, routePort, "", "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void threeReplicasAnswerOnTheRoute() throws Exception {
        DeployResponse rsp = client.deploy(APP, new DeployRequest(compose, Map.of(), null));
        assertThat(rsp.revision()).isEqualTo(1);
        assertThat(rsp.release()).isNotNull();
        release = rsp.release();

        ReleaseStatus end = Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        assertThat(Docker.containers(APP)).hasSize(3).allMatch(l -> l.endsWith(" 1 running"));

        HttpResponse<String> answer = Http.get("http://127.0.0.1:" + routePort + "/");
        assertThat(answer).isNotNull();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("version v1");

        AppStatus status = client.app(APP);
        assertThat(status.revision()).isEqualTo(1);
        AppStatus.ServiceStatus web = status.services().get(0);
        assertThat(web.replicas().desired()).isEqualTo(3);
        assertThat(web.replicas().ready()).isEqualTo(3);
        assertThat(web.route().port()).isEqualTo(routePort);
        assertThat(web.weights()).containsEntry("1", 100);
    }

    @Test
    @Order(2)
    void unchangedSpecAnswers200WithoutRelease() throws Exception {
        HttpResponse<String> rsp = Http.send("PUT", runner.url() + "/api/v1/apps/" + APP, runner.token(),
                JSON.writeValueAsString(Map.of("compose", compose)));
        assertThat(rsp.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(rsp.body());
        assertThat(body.get("revision").asInt()).isEqualTo(1);
        assertThat(body.get("release").isNull()).isTrue();
        assertThat(client.app(APP).currentRelease()).isEqualTo(release);
    }

    @Test
    @Order(3)
    void invalidSpecIs400WithFieldPathsAndChangesNothing() throws Exception {
        String bad = compose.replace("replicas: 3", "replicas: three").replace("stop_grace_period: 1s",
                "stop_grace_period: 1s\n    colour: blue\n    healthcheck: {test: 42}");
        HttpResponse<String> rsp = Http.send("PUT", runner.url() + "/api/v1/apps/" + APP, runner.token(),
                JSON.writeValueAsString(Map.of("compose", bad)));
        assertThat(rsp.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(rsp.body());
        List<String> problems = new ArrayList<>();
        body.get("problems").forEach(p -> problems.add(p.get("path").asText() + ": " + p.get("message").asText()));
        assertThat(problems).contains("services.web.deploy.replicas: must be a whole number >= 0, got \"three\"");
        assertThat(problems).anyMatch(p -> p.startsWith("services.web.healthcheck.test: "));
        assertThat(client.app(APP).revision()).isEqualTo(1);
        assertThat(client.app(APP).currentRelease()).isEqualTo(release);
        assertThat(Docker.containers(APP)).hasSize(3).allMatch(l -> l.endsWith(" 1 running"));
    }

    @Test
    @Order(4)
    void withoutOrWithAWrongTokenIs401() throws Exception {
        for (String token : new String[] {null, "wrong-token"}) {
            for (String[] call : new String[][] {{"GET", "/api/v1/apps"}, {"PUT", "/api/v1/apps/" + APP},
                    {"DELETE", "/api/v1/apps/" + APP}, {"GET", "/api/v1/releases/" + release + "/events"}}) {
                HttpResponse<String> rsp = Http.send(call[0], runner.url() + call[1], token,
                        call[0].equals("PUT") ? "{\"compose\":\"services: {}\"}" : null);
                assertThat(rsp.statusCode()).as(call[0] + " " + call[1] + " with token " + token).isEqualTo(401);
                assertThat(JSON.readTree(rsp.body()).get("error").asText()).contains("token");
                assertThat(rsp.body()).doesNotContain(runner.token());
            }
        }
        assertThat(Http.send("GET", runner.url() + "/healthz", null, null).statusCode()).isEqualTo(200);
        assertThat(runner.logText()).doesNotContain(runner.token());
        assertThat(Docker.containers(APP)).hasSize(3);
    }

    @Test
    @Order(5)
    void eventStreamResumesAfterLastEventId() throws Exception {
        List<long[]> all = sse(0);
        assertThat(all).hasSizeGreaterThan(3);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)[0]).isEqualTo(i + 1);
        }
        long from = all.get(2)[0];
        List<long[]> rest = sse(from);
        assertThat(rest).hasSize(all.size() - 3);
        assertThat(rest.get(0)[0]).isEqualTo(from + 1);
    }

    /** Reads the whole stream (it ends after the terminal event); returns the ids. */
    private static List<long[]> sse(long lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runner.url() + "/api/v1/releases/" + release + "/events"))
                .header("Authorization", "Bearer " + runner.token()).timeout(Duration.ofSeconds(20));
        if (lastEventId > 0) {
            b.header("Last-Event-ID", String.valueOf(lastEventId));
        }
        HttpResponse<java.io.InputStream> rsp = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<long[]> ids = new ArrayList<>();
        Pattern id = Pattern.compile("^id: (\\d+)$");
        String lastType = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = id.matcher(line);
                if (m.matches()) {
                    ids.add(new long[] {Long.parseLong(m.group(1))});
                } else if (line.startsWith("event: ")) {
                    lastType = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    JsonNode data = JSON.readTree(line.substring(6));
                    assertThat(data.get("type").asText()).isEqualTo(lastType);
                    assertThat(data.get("message").asText()).isNotBlank();
                }
            }
        }
        assertThat(lastType).isEqualTo("ReleaseSucceeded");
        return ids;
    }

    @Test
    @Order(6)
    void scaleDownAndUpKeepsTheRouteAnswering() throws Exception {
        AppStatus scaled = client.scale(APP, "web", 2);
        assertThat(scaled.services().get(0).replicas().desired()).isEqualTo(2);
        await("scaled to 2").atMost(Duration.ofSeconds(30)).until(() -> Docker.containers(APP).equals(List.of(
                "slipway-it-deploy-web-1-1 1 running", "slipway-it-deploy-web-1-2 1 running")));
        assertThat(Http.get("http://127.0.0.1:" + routePort + "/").body()).contains("version v1");
        client.scale(APP, "web", 3);
        await("scaled back to 3").atMost(Duration.ofSeconds(30))
                .until(() -> client.app(APP).services().get(0).replicas().ready() == 3);
        HttpResponse<String> bad = Http.send("POST", runner.url() + "/api/v1/apps/" + APP + "/scale", runner.token(),
                "{\"service\": \"db\", \"replicas\": 1}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("problems").get(0).get("path").asText()).isEqualTo("service");
    }

    @Test
    @Order(8)
    void failingVariantIsHealthyButAnswers500() throws Exception {
        String app = FAILING;
        int port = RunnerProcess.freePort(18100, 18199);
        try {
            DeployResponse rsp = client.deploy(app, new DeployRequest(Apps.web(Docker.failingImage("v500"), 1, port, "", """
                    healthcheck:
                      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                      interval: 1s
                    """), Map.of(), null));
            assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
            HttpResponse<String> answer = Http.get("http://127.0.0.1:" + port + "/");
            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(answer.body()).contains("version v500 fails");
        } finally {
            fixture.deleteApp(app);
        }
    }

    @Test
    @Order(9)
    void routePortOfAnotherAppIs400() throws Exception {
        HttpResponse<String> rsp = Http.send("PUT", runner.url() + "/api/v1/apps/it-conflict", runner.token(),
                JSON.writeValueAsString(Map.of("compose", compose)));
        assertThat(rsp.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(rsp.body()).get("problems").get(0);
        assertThat(problem.get("path").asText()).isEqualTo("services.web.x-slipway.route.port");
        assertThat(problem.get("message").asText()).isEqualTo("port " + routePort + " is already the route of app "
                + APP + " service web");
        assertThat(Http.send("GET", runner.url() + "/api/v1/apps/it-conflict", runner.token(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(10)
    void routePortTakenOnTheMachineFailsTheRelease() throws Exception {
        String app = TAKEN;
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            DeployResponse rsp = client.deploy(app, new DeployRequest(compose.replace("port: " + routePort, "port: " + port),
                    Map.of(), null));
            ReleaseStatus end = Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60));
            assertThat(end.phase()).isEqualTo(Phase.Failed);
            assertThat(end.message()).contains("route of web cannot listen on port " + port);
        } finally {
            fixture.deleteApp(app);
        }
    }

    @Test
    @Order(11)
    void cliShowsStatusAndApps() throws Exception {
        String status = cli("status", APP);
        assertThat(status).contains("it-deploy revision 1").contains("web: 3/3 ready, route 127.0.0.1:" + routePort
                + " -> 8080, weights {1=100}").contains("Succeeded, step 1/1");
        assertThat(cli("apps")).contains("it-deploy  revision 1  3/3 ready");
    }

    private static String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", System.getProperty("slipway.runner.jar", "../target/slipway-runner.jar")));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--url", runner.url(), "--token-file", runner.tokenFile().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    @Order(7)
    void metricsHaveRouterAndRunnerFigures() throws Exception {
        HttpResponse<String> rsp = Http.send("GET", runner.url() + "/metrics", null, null);
        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.body()).contains("slipway_runner_replicas{app=\"" + APP + "\",ready=\"true\",revision=\"1\",service=\"web\"} 3.0",
                "# TYPE slipway_runner_replicas gauge", "slipway_runner_releases_active 0.0",
                "jvm_memory_used_bytes{area=\"heap\"}", "process_cpu_seconds_total", "jvm_threads_current");
    }
}
