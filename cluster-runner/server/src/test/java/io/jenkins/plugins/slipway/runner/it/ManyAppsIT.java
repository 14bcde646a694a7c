package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Many one-replica apps deployed at once: every replica is started exactly once. One owner starts and stops
 * containers; before, a converge acting on a container list read before a start finished started the same
 * replica a second time, and the engine answered "a container named ... already exists".
 */
class ManyAppsIT {
    private static final int APPS = 50;
    private static final List<String> NAMES = IntStream.rangeClosed(1, APPS).mapToObj(i -> "it-many-" + i).toList();

    @Test
    void everyReplicaIsStartedOnce() throws Exception {
        try (RunnerFixture fixture = RunnerFixture.start("many", NAMES, "v1")) {
            RunnerClient client = fixture.client();
            String image = fixture.image("v1");
            List<Integer> ports = freePorts(APPS);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<String>> releases = new ArrayList<>();
                for (int i = 0; i < APPS; i++) {
                    String app = NAMES.get(i);
                    String compose = Apps.web(image, 1, ports.get(i), "", "");
                    releases.add(pool.submit(() -> client.deploy(app, new DeployRequest(compose, Map.of(), null)).release()));
                }
                for (Future<String> release : releases) {
                    assertThat(Apps.awaitEnd(client, release.get(), Duration.ofMinutes(4)).phase())
                            .isEqualTo(Phase.Succeeded);
                }
                for (String app : NAMES) {
                    assertThat(Docker.containers(app)).hasSize(1);
                }
                assertThat(fixture.runner().logText()).doesNotContain("already exists").doesNotContain("Starting replica");
            } finally {
                pool.shutdownNow();
                deleteAll(fixture);
            }
        }
    }

    /** Deletes every app at once, then waits for all their containers, so the fixture's own deletes are quick. */
    private static void deleteAll(RunnerFixture fixture) throws Exception {
        for (String app : NAMES) {
            Http.send("DELETE", fixture.runner().url() + "/api/v1/apps/" + app, fixture.runner().token(), null);
        }
        await("apps removed by the runner").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> Docker.run("ps", "-a", "--filter", "label=io.slipway.app", "--format",
                        "{{.Label \"io.slipway.app\"}}").lines().noneMatch(NAMES::contains));
    }

    /** {@code n} distinct loopback ports nobody listens on now, for the apps' routes. */
    private static List<Integer> freePorts(int n) {
        List<Integer> ports = new ArrayList<>();
        for (int port = 22100; port < 22400 && ports.size() < n; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ports.add(probe.getLocalPort());
            } catch (java.io.IOException e) {
                // taken, try the next
            }
        }
        assertThat(ports).as("free route ports in 22100-22399").hasSize(n);
        return ports;
    }
}
