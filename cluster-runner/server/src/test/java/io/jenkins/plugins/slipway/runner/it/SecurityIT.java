package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.Cause;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.Tokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scoped tokens, revocation and the audit log on a real runner process deploying real containers. */
class SecurityIT {
    private static final String SHOP = "it-sec-shop";
    private static final String BILLING = "it-sec-billing";
    private static final String BUILD = "https://jenkins.example/job/shop/42/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunnerFixture fixture;
    private static RunnerProcess runner;
    private static RunnerClient admin;
    private static final List<String> tokensMade = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("security", List.of(SHOP, BILLING), "v1");
        runner = fixture.runner();
        admin = fixture.client();
        tokensMade.add(runner.token());
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String create(String name, String role, String... apps) {
        Tokens.Created made = admin.createToken(new Tokens.CreateRequest(name, apps.length == 0 ? null : List.of(apps), role));
        assertThat(made.name()).isEqualTo(name);
        assertThat(made.role()).isEqualTo(role);
        tokensMade.add(SecretsUsed.record(made.token()));
        return made.token();
    }

    private static HttpRunnerClient client(String token) {
        return HttpRunnerClient.builder(runner.url()).withToken(token).withBuildUrl(BUILD)
                .withRequestTimeout(Duration.ofSeconds(30)).build();
    }

    private String compose(int port) {
        return Apps.web(fixture.image("v1"), 1, port, "", "");
    }

    @Test
    void aDeployTokenForShopAppsDeploysThemAndGets403OnAnyOtherAppAndOnTokens() throws Exception {
        String ci = create("ci", "deploy", "it-sec-shop*");
        RunnerClient scoped = client(ci);
        assertThat(scoped.whoami()).isEqualTo(new Tokens.Identity("ci", "deploy", List.of("it-sec-shop*")));

        DeployResponse shop = scoped.deploy(SHOP, new DeployRequest(compose(RunnerProcess.freePort(18100, 18199)),
                Map.of(), new Cause(BUILD, 42, null)));
        assertThat(Apps.awaitEnd(admin, shop.release(), Duration.ofSeconds(90)).phase()).isEqualTo(Phase.Succeeded);

        assertThatThrownBy(() -> scoped.deploy(BILLING, new DeployRequest(compose(RunnerProcess.freePort(18100, 18199)),
                Map.of(), null))).isInstanceOfSatisfying(RunnerException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("token ci may use the apps [it-sec-shop*], not it-sec-billing");
                });
        assertThat(admin.apps()).extracting(AppStatus::name).doesNotContain(BILLING);
        assertThat(Docker.containers(BILLING)).isEmpty();

        DeployResponse billing = admin.deploy(BILLING, new DeployRequest(compose(RunnerProcess.freePort(18100, 18199)),
                Map.of(), null));
        Apps.awaitEnd(admin, billing.release(), Duration.ofSeconds(90));
        assertThat(scoped.apps()).extracting(AppStatus::name).containsExactly(SHOP);
        assertThat(status(() -> scoped.app(BILLING))).isEqualTo(403);
        assertThat(status(() -> scoped.release(billing.release()))).isEqualTo(403);
        assertThat(status(() -> scoped.abort(billing.release(), "not mine"))).isEqualTo(403);
        assertThat(status(() -> {
            scoped.deleteApp(BILLING);
            return null;
        })).isEqualTo(403);
        assertThat(status(scoped::tokens)).isEqualTo(403);
        assertThat(status(() -> scoped.createToken(new Tokens.CreateRequest("mine", null, "admin")))).isEqualTo(403);
        assertThat(admin.app(BILLING).name()).isEqualTo(BILLING);

        JsonNode audit = audit("?app=" + BILLING);
        assertThat(audit.findValuesAsText("token")).contains("ci");
        JsonNode refusal = first(audit, e -> e.path("token").asText().equals("ci") && e.path("method").asText().equals("PUT"));
        assertThat(refusal.path("status").asInt()).isEqualTo(403);
        assertThat(refusal.path("route").asText()).isEqualTo("/api/v1/apps/" + BILLING);
        assertThat(refusal.path("buildUrl").asText()).isEqualTo(BUILD);
        JsonNode deploy = first(audit(""), e -> e.path("app").asText().equals(SHOP) && e.path("method").asText().equals("PUT"));
        assertThat(deploy.path("token").asText()).isEqualTo("ci");
        assertThat(deploy.path("status").asInt()).isEqualTo(202);
        assertThat(deploy.path("buildUrl").asText()).isEqualTo(BUILD);
        assertThat(audit.toString()).doesNotContain(ci);
        assertThat(status(() -> Http.send("GET", runner.url() + "/api/v1/audit", ci, null))).isEqualTo(403);
    }

    @Test
    void aReadTokenSeesButChangesNothing() throws Exception {
        RunnerClient viewer = client(create("viewer", "read"));
        assertThat(viewer.whoami().role()).isEqualTo("read");
        viewer.apps();
        assertThat(status(() -> viewer.deploy(SHOP, new DeployRequest(compose(18199), Map.of(), null)))).isEqualTo(403);
        assertThat(status(() -> viewer.rollback(SHOP))).isEqualTo(403);
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() throws Exception {
        String temp = create("temp", "deploy", "*");
        RunnerClient tempClient = client(temp);
        assertThat(tempClient.whoami().name()).isEqualTo("temp");
        assertThat(admin.tokens()).extracting(Tokens.Summary::name).contains("admin", "temp");

        admin.revokeToken("temp");

        assertThat(status(tempClient::whoami)).isEqualTo(401);
        assertThat(admin.tokens()).extracting(Tokens.Summary::name).doesNotContain("temp");
        assertThat(status(() -> {
            admin.revokeToken("temp");
            return null;
        })).isEqualTo(404);
        assertThat(status(() -> {
            admin.revokeToken("admin");
            return null;
        })).isEqualTo(409);
    }

    @Test
    void theDataDirHoldsNoTokenInPlainTextNorDoesTheLog() throws Exception {
        create("grep-me", "read");
        assertThat(runner.dataDir().resolve("token")).doesNotExist();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.walk(runner.dataDir()), Stream.of(runner.logFile()))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String token : tokensMade) {
                    if (bytes.contains(token)) {
                        found.add(f + " holds the token of " + tokensMade.indexOf(token));
                    }
                }
            }
        }
        assertThat(found).as("files holding a token, of " + tokensMade.size() + " tokens").isEmpty();
    }

    @Test
    void badTokenRequestsAre400WithTheFieldAndMakeNothing() throws Exception {
        String body = "{\"name\": \"../x\", \"apps\": [\"Shop\"], \"role\": \"root\"}";
        HttpResponse<String> rsp = Http.send("POST", runner.url() + "/api/v1/tokens", runner.token(), body);
        assertThat(rsp.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(rsp.body()).findValuesAsText("path")).containsExactly("name", "role", "apps[0]");
        assertThat(admin.tokens()).extracting(Tokens.Summary::name).doesNotContain("../x");
    }

    private static JsonNode audit(String query) throws Exception {
        HttpResponse<String> rsp = Http.send("GET", runner.url() + "/api/v1/audit" + query, runner.token(), null);
        assertThat(rsp.statusCode()).as(rsp.body()).isEqualTo(200);
        return JSON.readTree(rsp.body());
    }

    private static JsonNode first(JsonNode entries, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode e : entries) {
            if (test.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no such audit entry in " + entries);
    }

    /** The HTTP status a call ends with: 2xx when it returns, the refusal's status when it throws. */
    private static int status(ThrowingCall call) {
        try {
            Object result = call.run();
            return result instanceof HttpResponse<?> rsp ? rsp.statusCode() : 200;
        } catch (RunnerException e) {
            return e.status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        Object run() throws Exception;
    }
}
