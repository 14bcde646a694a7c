package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner's data dir on a small tmpfs, filled up while an app serves: changes are refused with a 503 that says
 * the disk is full, nothing is half-written, the app keeps answering on its route, and once space is freed the
 * runner takes changes again by itself; a restart on the same data dir finds the database whole. Needs root.
 */
class DiskFullIT {
    private static final String APP = "it-diskfull";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("slipway-it-diskfull-").resolve("data");
        Files.createDirectory(mount);
        run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", "-l", mount.toString());
    }

    @Test
    void aFullDataDiskRefusesChangesWith503KeepsAppsServingAndRecoversByItself() throws Exception {
        try (RunnerFixture fixture = RunnerFixture.startIn(mount, List.of(APP), "v1", "v2")) {
            RunnerProcess runner = fixture.runner();
            int routePort = RunnerProcess.freePort(18100, 18199);
            String v1 = Apps.web(fixture.image("v1"), 2, routePort, "", "");
            DeployResponse first = fixture.client().deploy(APP, new DeployRequest(v1, Map.of(), null));
            assertThat(Apps.awaitEnd(fixture.client(), first.release(), Duration.ofSeconds(120)).phase())
                    .isEqualTo(Phase.Succeeded);
            String eventsBefore = events(runner, first.release());
            String v2 = Apps.web(fixture.image("v2"), 2, routePort, "", "");
            String deployV2 = Json.body(v2);

            Path filler = fill(mount.resolve("filler"));
            System.out.println("DiskFullIT: data dir filled: " + Files.getFileStore(mount).getUsableSpace() + " bytes free");

            HttpResponse<String> refused = Http.send("PUT", runner.url() + "/api/v1/apps/" + APP, runner.token(), deployV2);
            System.out.println("DiskFullIT: deploy while full -> " + refused.statusCode() + " " + refused.body());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("data disk is full");
            HttpResponse<String> scale = Http.send("POST", runner.url() + "/api/v1/apps/" + APP + "/scale",
                    runner.token(), "{\"service\": \"web\", \"replicas\": 3}");
            assertThat(scale.statusCode()).as(scale.body()).isIn(503);

            // The app goes on serving v1 on its route while the disk stays full.
            AtomicInteger served = new AtomicInteger();
            await("the route answers v1 twenty times while the disk is full").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        HttpResponse<String> r = Http.get("http://127.0.0.1:" + routePort + "/");
                        assertThat(r).as("route answer").isNotNull();
                        assertThat(r.statusCode()).isEqualTo(200);
                        assertThat(r.body()).contains("version v1");
                        return served.incrementAndGet() >= 20;
                    });
            assertThat(Docker.containers(APP)).hasSize(2).allMatch(l -> l.endsWith(" 1 running"));

            Files.delete(filler);
            AtomicReference<HttpResponse<String>> accepted = new AtomicReference<>();
            await("the runner takes the deploy once space is back").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        HttpResponse<String> r = Http.send("PUT", runner.url() + "/api/v1/apps/" + APP, runner.token(), deployV2);
                        accepted.set(r);
                        return r.statusCode() == 202;
                    });
            String second = JSON.readTree(accepted.get().body()).path("release").asText();
            assertThat(Apps.awaitEnd(fixture.client(), second, Duration.ofSeconds(120)).phase()).isEqualTo(Phase.Succeeded);
            assertThat(Http.get("http://127.0.0.1:" + routePort + "/").body()).contains("version v2");

            // The database is whole: a restart on the same data dir reads the app, both releases and their events.
            runner.close();
            fixture.relaunch();
            JsonNode app = JSON.readTree(Http.send("GET", runner.url() + "/api/v1/apps/" + APP, runner.token(), null).body());
            assertThat(app.path("revision").asInt()).isEqualTo(2);
            assertThat(app.path("currentRelease").asText()).isEqualTo(second);
            assertThat(events(runner, first.release())).isEqualTo(eventsBefore);
            assertThat(events(runner, second)).contains("event: ReleaseSucceeded");
            assertThat(runner.logText()).contains("the data disk is full").contains("Database opened again");
        }
    }

    private static String events(RunnerProcess runner, String release) throws Exception {
        StringBuilder b = new StringBuilder();
        Http.send("GET", runner.url() + "/api/v1/releases/" + release + "/events", runner.token(), null).body().lines()
                .filter(l -> l.startsWith("id: ") || l.startsWith("event: ")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** Writes zeros until the file system is full. */
    private static Path fill(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 100_000; i++) {
                out.write(block);
            }
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left")) {
                return file;
            }
            throw e;
        }
        throw new IllegalStateException("the tmpfs did not fill up");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (root needed): " + out);
        }
    }

    /** The deploy request body. */
    private static final class Json {
        static String body(String compose) throws Exception {
            return JSON.writeValueAsString(Map.of("compose", compose));
        }
    }
}
