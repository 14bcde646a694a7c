package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
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
 * Many one-replica apps deployed at once: every replica is started once and no start fails (in particular not
 * with "a container named ... already exists", which a start decided from a container list read before an
 * earlier start of the same replica finished would meet). Each replica's health path answers after 300 ms (a CGI
 * that sleeps), so that a pass over all the apps takes long and starts finish in the middle of it, as they do on
 * a busy machine.
 */
@WholeMachine("starts 50 apps at once")
class ManyAppsIT {
    private static final int APPS = 50;
    private static final List<String> NAMES = IntStream.rangeClosed(1, APPS).mapToObj(i -> "it-many-" + i).toList();

    @Test
    void everyReplicaIsStartedOnce() throws Exception {
        try (RunnerFixture fixture = RunnerFixture.start("many", NAMES)) {
            RunnerClient client = fixture.client();
            String image = slowHealthImage();
            List<Integer> ports = freePorts(APPS);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<String>> releases = new ArrayList<>();
                for (int i = 0; i < APPS; i++) {
                    String app = NAMES.get(i);
                    // The monitor leaves room for a busy machine: what is asserted is that nothing starts twice.
                    String compose = Apps.web(image, 1, ports.get(i), "update_config: {monitor: 5m}", "")
                            .replace("targetPort: 8080}", "targetPort: 8080, healthPath: /cgi-bin/slow, healthTimeout: 5s}");
                    releases.add(pool.submit(() -> client.deploy(app, new DeployRequest(compose, Map.of(), null)).release()));
                }
                for (Future<String> release : releases) {
                    ReleaseStatus status = Apps.awaitEnd(client, release.get(), Duration.ofMinutes(4));
                    assertThat(status.phase()).as(status.id() + ": " + status.message()).isEqualTo(Phase.Succeeded);
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

    /** busybox httpd on 8080 whose {@code /cgi-bin/slow} answers 200 after 300 ms. */
    private static String slowHealthImage() throws Exception {
        return BusyboxHttpdImage.labelled("runner").file("index.html", "slow health\n")
                .script("cgi-bin/slow", "#!/bin/busybox sh\n/bin/busybox sleep 0.3\n"
                        + "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n")
                .build("it-runner-web:slow-health");
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

    /**
     * {@code n} distinct loopback ports nobody listens on now, for the apps' routes: from a range no other test
     * uses (22100-22299, where this test's ports once were, is KubernetesEngineIT's, and one was found taken).
     */
    private static List<Integer> freePorts(int n) {
        List<Integer> ports = new ArrayList<>();
        for (int port = 25600; port < 25900 && ports.size() < n; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ports.add(probe.getLocalPort());
            } catch (java.io.IOException e) {
                // taken, try the next
            }
        }
        assertThat(ports).as("free route ports in 25600-25899").hasSize(n);
        return ports;
    }
}
