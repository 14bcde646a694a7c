package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service at {@code min: 0}: after {@code idleAfter} without a request no container of it runs; the requests
 * that come then are held by the router while the runner starts a replica, and every one of them is answered.
 */
class ScaleToZeroIT {
    private static final String APP = "it-zero";
    private static final int FIRST_REQUESTS = 50;
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("zero", List.of(APP), "v1");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void idleServiceStopsAndItsFirstRequestsAreAllAnsweredWhileAReplicaStarts() throws Exception {
        int port = RunnerProcess.freePort(24300, 24399);
        String compose = """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: 1
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                      autoscale: {min: 0, max: 3, requestsPerSecond: 50, idleAfter: 3s}
                """.formatted(fixture.image("v1"), port);
        DeployResponse rsp = client.deploy(APP, new DeployRequest(compose, Map.of(), null));
        assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("version v1");

        await("no container of the app left running after 3 s without a request").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Docker.containers(APP).stream().noneMatch(l -> l.endsWith(" running")));
        assertThat(client.app(APP).services().get(0).replicas().desired()).isZero();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        long sent = System.nanoTime();
        List<CompletableFuture<Long>> firstBytes = new ArrayList<>();
        for (int i = 0; i < FIRST_REQUESTS; i++) {
            firstBytes.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        assertThat(r.body()).contains("version v1");
                        return System.nanoTime();
                    }));
        }
        long slowest = 0;
        long fastest = Long.MAX_VALUE;
        for (CompletableFuture<Long> f : firstBytes) {
            long answered = f.get(90, TimeUnit.SECONDS) - sent;
            slowest = Math.max(slowest, answered);
            fastest = Math.min(fastest, answered);
        }
        System.out.printf("ScaleToZeroIT: cold start: %d concurrent first requests all answered 200, the first in %d ms,"
                + " the last in %d ms%n", FIRST_REQUESTS, fastest / 1_000_000, slowest / 1_000_000);
        assertThat(Docker.containers(APP).stream().filter(l -> l.endsWith(" running"))).hasSize(1);

        List<JsonNode> scaled = new ArrayList<>();
        events().forEach(e -> {
            if (e.path("type").asText().equals(EventTypes.AUTOSCALED)) {
                scaled.add(e);
            }
        });
        assertThat(scaled).extracting(e -> e.path("message").asText())
                .anySatisfy(m -> assertThat(m).startsWith("web: 1 → 0 replicas").contains("no request for"))
                .anySatisfy(m -> assertThat(m).startsWith("web: 0 → 1 replicas").contains("request"));
    }

    private static List<JsonNode> events() throws Exception {
        return Apps.appEvents(fixture.runner(), APP);
    }
}
