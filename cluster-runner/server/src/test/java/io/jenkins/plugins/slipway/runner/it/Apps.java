package io.jenkins.plugins.slipway.runner.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Compose files and waits shared by the ITs. */
public final class Apps {
    private Apps() {
    }

    /** A one-service app: {@code replicas} of {@code image} behind a route on {@code routePort}. */
    public static String web(String image, int replicas, int routePort, String deployExtra, String serviceExtra) {
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                %s    deploy:
                      replicas: %d
                %s    x-slipway:
                      route: {port: %d, targetPort: 8080}
                """.formatted(image, indent(serviceExtra, 4), replicas, indent(deployExtra, 6), routePort);
    }

    private static String indent(String text, int spaces) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String pad = " ".repeat(spaces);
        StringBuilder b = new StringBuilder();
        text.stripIndent().lines().forEach(l -> b.append(pad).append(l).append('\n'));
        return b.toString();
    }

    /** Waits until the release has ended and returns its final status. */
    public static ReleaseStatus awaitEnd(RunnerClient client, String release, Duration atMost) {
        AtomicReference<ReleaseStatus> last = new AtomicReference<>();
        await("release " + release + " ends").atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
            ReleaseStatus s = client.release(release);
            last.set(s);
            return s.phase().isTerminal();
        });
        return last.get();
    }

    public static boolean succeeded(ReleaseStatus s) {
        return s.phase() == Phase.Succeeded;
    }

    /** The app's own events ({@code GET /api/v1/apps/{app}/events}: autoscaling), oldest first. */
    public static List<JsonNode> appEvents(RunnerProcess runner, String app) throws Exception {
        HttpResponse<String> rsp = Http.send("GET", runner.url() + "/api/v1/apps/" + app + "/events", runner.token(), null);
        if (rsp.statusCode() != 200) {
            throw new AssertionError("GET events of " + app + ": " + rsp.statusCode() + " " + rsp.body());
        }
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(rsp.body()).path("events").forEach(out::add);
        return out;
    }
}
