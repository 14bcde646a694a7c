package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A three-service app on the real engine: {@code web} calls {@code api} by name, {@code api} calls {@code db},
 * and {@code db} keeps its data in a named volume that outlives a release of db, a {@code kill -9} of the runner
 * and a redeploy, until the app is deleted with its volumes. A second app cannot resolve or reach the first
 * one's services. The test image is busybox {@code FROM scratch}: its {@code nslookup} asks Docker's DNS itself,
 * its static {@code wget} then calls the address found (bounded by busybox {@code timeout}: its own {@code -T}
 * crashes this static build).
 */
class AppModelIT {
    private static final String APP = "it-compose";
    private static final String OTHER = "it-compose-other";
    private static final String REFUSED = "it-compose-refused";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A CGI script: with NEXT set, resolves it and calls its chain; without, answers db's stored value. */
    private static final String CHAIN = """
            #!/bin/sh
            printf 'Content-Type: text/plain\\r\\n\\r\\n'
            if [ -z "$NEXT" ]; then
              /bin/busybox cat /data/value 2>/dev/null || echo "(no value)"
              exit 0
            fi
            ip=$(/bin/busybox nslookup "$NEXT" 2>/dev/null | /bin/busybox awk '/^Name:/ {n=1} n && /^Address/ {print $NF; exit}')
            if [ -z "$ip" ]; then echo "cannot resolve $NEXT"; exit 0; fi
            echo "$NEXT is $ip"
            /bin/busybox timeout 10 /bin/busybox wget -q -O- "http://$ip:8080/cgi-bin/chain" || echo "cannot reach $NEXT at $ip"
            """;
    private static RunnerFixture fixture;
    private static RunnerClient client;
    private static String image;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("compose", List.of(APP, OTHER, REFUSED));
        client = fixture.client();
        image = BusyboxHttpdImage.labelled("compose").file("health", "ok\n").script("cgi-bin/chain", CHAIN)
                .build("it-compose-box:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture == null) {
            return;
        }
        List<String> left = new java.util.ArrayList<>();
        for (String app : List.of(APP, OTHER, REFUSED)) {
            left.addAll(volumes(app)); // read while the runner's data dir (its id) is still there
        }
        fixture.close();
        for (String volume : left) {
            Docker.run("volume", "rm", "-f", volume);
        }
    }

    private static String threeServices(int webPort, String dbGeneration) {
        return """
                services:
                  web:
                    image: %1$s
                    stop_grace_period: 1s
                    environment: {NEXT: api}
                    depends_on: [api]
                    x-slipway:
                      route: {port: %2$d, targetPort: 8080, healthPath: /health}
                  api:
                    image: %1$s
                    stop_grace_period: 1s
                    environment: {NEXT: db}
                    depends_on:
                      db: {condition: service_healthy}
                  db:
                    image: %1$s
                    stop_grace_period: 1s
                    environment: {GENERATION: "%3$s"}
                    volumes: ["data:/data"]
                    healthcheck:
                      test: ["CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
                      interval: 1s
                      timeout: 3s
                      retries: 30
                volumes:
                  data: {}
                """.formatted(image, webPort, dbGeneration);
    }

    @Test
    void servicesFindEachOtherByNameAndDbDataOutlivesReleasesCrashesAndRedeploys() throws Exception {
        int webPort = RunnerProcess.freePort(18600, 18649);
        String web = "http://127.0.0.1:" + webPort + "/cgi-bin/chain";

        DeployResponse first = deploy(APP, threeServices(webPort, "1"));
        String events = events(first.release());
        assertThat(events).contains("start order: db, api, web", "api waits for db (service_healthy)",
                "web waits for api (service_started)",
                "db: stop-first, one revision at a time, because it writes to named volume data");
        assertThat(events.indexOf("replica of db")).as(events).isPositive()
                .isLessThan(events.indexOf("replica of api"));
        assertThat(events.indexOf("replica of api")).as(events).isLessThan(events.indexOf("replica of web"));
        assertThat(volumes(APP)).hasSize(1);

        String value = "value-" + UUID.randomUUID();
        Docker.run("exec", Docker.replica(APP, "db", first.revision(), 1), "/bin/busybox", "sh", "-c",
                "echo " + value + " > /data/value");
        assertChainAnswers(web, value);

        DeployResponse dbRelease = deploy(APP, threeServices(webPort, "2"));
        assertThat(dbRelease.revision()).isEqualTo(first.revision() + 1);
        assertChainAnswers(web, value);

        fixture.runner().kill9();
        client = fixture.relaunch();
        DeployResponse afterCrash = deploy(APP, threeServices(webPort, "3"));
        assertThat(afterCrash.revision()).isEqualTo(dbRelease.revision() + 1);
        assertChainAnswers(web, value);

        Map<String, Object> deleted = client.deleteApp(APP, false);
        assertThat(deleted.get("volumesKept")).asList().hasSize(1);
        await("app containers gone").atMost(Duration.ofSeconds(60)).until(() -> Docker.containers(APP).isEmpty());
        DeployResponse redeployed = deploy(APP, threeServices(webPort, "1"));
        assertChainAnswers(web, value);

        int otherPort = RunnerProcess.freePort(18650, 18699);
        deploy(OTHER, """
                services:
                  probe:
                    image: %s
                    stop_grace_period: 1s
                    x-slipway:
                      route: {port: %d, targetPort: 8080, healthPath: /health}
                """.formatted(image, otherPort));
        String probe = Docker.replica(OTHER, "probe", 1, 1);
        String apiAddress = Docker.run("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                Docker.replica(APP, "api", redeployed.revision(), 1)).trim();
        assertThat(apiAddress).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        String lookup = dockerOutput("exec", probe, "/bin/busybox", "nslookup", "api");
        assertThat(lookup).as("the other app resolving api").doesNotContain(apiAddress).containsIgnoringCase("can't find");
        String reach = dockerOutput("exec", probe, "/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-q", "-O-",
                "http://" + apiAddress + ":8080/health");
        assertThat(reach).as("the other app calling api at " + apiAddress).doesNotContain("ok");

        Map<String, Object> gone = client.deleteApp(APP, true);
        assertThat(gone.get("volumesRemoved")).asList().hasSize(1);
        assertThat(volumes(APP)).isEmpty();
        assertThat(networks(APP)).isEmpty();
    }

    @Test
    void refusalsNameTheKeyAndCreateNothing() throws Exception {
        String cycle = """
                services:
                  a: {image: %1$s, depends_on: [b]}
                  b: {image: %1$s, depends_on: [a]}
                """.formatted(image);
        assertRefused(cycle, "services.a.depends_on", "depends_on forms a cycle: a -> b -> a");
        String bind = """
                services:
                  a: {image: %s, volumes: ["/:/host"]}
                """.formatted(image);
        assertRefused(bind, "services.a.volumes", "serve --allow-bind-mounts");
        String privileged = """
                services:
                  a: {image: %s, privileged: true}
                """.formatted(image);
        assertRefused(privileged, "services.a.privileged", "serve --allow-privileged");
        String canaryOnVolume = """
                services:
                  a:
                    image: %s
                    volumes: ["data:/data"]
                    x-slipway:
                      route: {port: 18599, targetPort: 8080}
                      release: {strategy: canary, steps: [{setWeight: 50}]}
                volumes: {data: {}}
                """.formatted(image);
        assertRefused(canaryOnVolume, "services.a.x-slipway.release.strategy", "sharedVolumes");

        HttpResponse<String> status = Http.send("GET", fixture.runner().url() + "/api/v1/apps/" + REFUSED,
                fixture.runner().token(), null);
        assertThat(status.statusCode()).isEqualTo(404);
        assertThat(Docker.containers(REFUSED)).isEmpty();
        assertThat(volumes(REFUSED)).isEmpty();
        assertThat(networks(REFUSED)).isEmpty();
    }

    @Test
    void validateAnswersThePlanOfAPublicComposeFileWithoutCreatingAnything() throws Exception {
        String wordpress = """
                services:
                  db:
                    image: mariadb:10.6.4-focal
                    command: '--default-authentication-plugin=mysql_native_password'
                    volumes:
                      - db_data:/var/lib/mysql
                    restart: always
                    environment:
                      - MYSQL_ROOT_PASSWORD=somewordpress
                      - MYSQL_DATABASE=wordpress
                    expose:
                      - 3306
                      - 33060
                  wordpress:
                    image: wordpress:latest
                    ports:
                      - 18580:80
                    restart: always
                    environment:
                      - WORDPRESS_DB_HOST=db
                volumes:
                  db_data:
                """;
        HttpResponse<String> plan = Http.send("POST", fixture.runner().url() + "/api/v1/validate?app=" + REFUSED,
                fixture.runner().token(), JSON.writeValueAsString(Map.of("compose", wordpress)));
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        JsonNode p = JSON.readTree(plan.body());
        assertThat(p.path("volumes").has("db_data")).isTrue();
        assertThat(p.path("networks").has("default")).isTrue();
        assertThat(p.path("ignored")).isEmpty();
        assertThat(p.path("honoured").toString()).contains("services.db.restart", "services.db.expose",
                "services.wordpress.ports", "volumes");
        assertThat(p.path("services").get(0).path("updateOrder").asText()).isEqualTo("stop-first");
        assertThat(p.path("services").get(1).path("ports").get(0).asText()).isEqualTo("18580->80/tcp");
        assertThat(volumes(REFUSED)).isEmpty();

        HttpResponse<String> refused = Http.send("POST", fixture.runner().url() + "/api/v1/validate",
                fixture.runner().token(), JSON.writeValueAsString(Map.of("compose",
                        wordpress.replace("    restart: always\n    environment:\n      - WORDPRESS",
                                "    restart: always\n    links: [db]\n    environment:\n      - WORDPRESS"))));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("services.wordpress.links", "is not supported by the runner");
    }

    private static void assertRefused(String compose, String path, String message) throws Exception {
        HttpResponse<String> rsp = Http.send("PUT", fixture.runner().url() + "/api/v1/apps/" + REFUSED,
                fixture.runner().token(), JSON.writeValueAsString(Map.of("compose", compose)));
        assertThat(rsp.statusCode()).as(rsp.body()).isEqualTo(400);
        JsonNode problems = JSON.readTree(rsp.body()).path("problems");
        assertThat(problems.toString()).as(rsp.body()).contains(path).contains(message);
    }

    private static DeployResponse deploy(String app, String compose) {
        DeployResponse rsp = client.deploy(app, new DeployRequest(compose, Map.of(), null));
        ReleaseStatus end = Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(180));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        return rsp;
    }

    private static void assertChainAnswers(String url, String value) {
        await("web -> api -> db answers " + value).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    HttpResponse<String> rsp = Http.get(url);
                    return rsp != null && rsp.body().contains("api is ") && rsp.body().contains("db is ")
                            && rsp.body().contains(value);
                });
    }

    /** The release's events as the event stream replays them once it has ended. */
    private static String events(String release) throws Exception {
        return Http.send("GET", fixture.runner().url() + "/api/v1/releases/" + release + "/events",
                fixture.runner().token(), null).body();
    }

    /** What docker printed, whether the command succeeded or not (a refused lookup or call fails). */
    private static String dockerOutput(String... args) throws InterruptedException {
        try {
            return Docker.run(args);
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
    }

    /** The app's volumes this test's runner made: other runs on the shared engine may have left their own. */
    private static List<String> volumes(String app) throws Exception {
        return Docker.run("volume", "ls", "-q", "--filter", "label=io.slipway.app=" + app,
                "--filter", "label=io.slipway.runner=" + runnerId()).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The app's networks this test's runner made. */
    private static List<String> networks(String app) throws Exception {
        return Docker.run("network", "ls", "-q", "--filter", "label=io.slipway.app=" + app,
                "--filter", "label=io.slipway.runner=" + runnerId()).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The id the runner keeps in its data dir and labels what it makes with. */
    private static String runnerId() throws java.io.IOException {
        return java.nio.file.Files.readString(fixture.runner().dataDir().resolve("runner-id")).trim();
    }
}
