package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.docker.DockerContainers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service autoscaled on {@code cpuPercent} of its {@code limits.cpus} on the Docker engine: idle at 1 replica; a
 * busy loop in every running replica (a {@code docker exec}, as if requests kept each one busy) takes the mean
 * towards 100% of the limit, so it scales out; once the loops stop it goes back to 1 after the (shortened)
 * scale-down window. The events carry the measured CPU beside the target.
 * <p>
 * Each loop is a busybox shell spinning until a file appears, under busybox {@code timeout}, so it ends even if the
 * test dies. On a machine busy with other work a loop gets less than its quarter of a CPU (beside another IT and
 * a load average of 20, about 60% of it): the mean may then hover near the target and the count swing between 2
 * and 3, so the test asserts the first scale-out and the last scale-in, not the count in between.
 */
class CpuAutoscaleIT {
    private static final String APP = "it-autoscale-cpu";
    private static final String STOP_FILE = "/stop-burn";
    /** The most a loop may spin, whatever happens to the test. */
    private static final int BURN_SECONDS = 180;
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start("autoscale-cpu", List.of(APP), "v1");
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    static String compose(String image, int routePort) {
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: 1
                      resources: {limits: {cpus: "0.25", memory: 32M}}
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                      autoscale:
                        min: 1
                        max: 3
                        cpuPercent: 50
                        memoryPercent: 90
                        scaleDown: {stabilizationWindow: 10s}
                """.formatted(image, routePort);
    }

    @Test
    void scalesOutOnCpuAndBackWhenItIsIdle() throws Exception {
        int port = RunnerProcess.freePort(24200, 24299);
        DeployResponse rsp = client.deploy(APP, new DeployRequest(compose(fixture.image("v1"), port), Map.of(), null));
        assertThat(Apps.awaitEnd(client, rsp.release(), Duration.ofSeconds(60)).phase()).isEqualTo(Phase.Succeeded);
        assertThat(web().autoscale().targets()).isEqualTo(Map.of("cpuPercent", 50.0, "memoryPercent", 90.0));
        await("idle figures for both targets").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> web().autoscale().measured().keySet().containsAll(Set.of("cpuPercent", "memoryPercent")));
        System.out.printf("CpuAutoscaleIT: idle: %s per replica; load average %s%n", web().autoscale().measured(),
                CpuHog.loadAverage());
        assertThat(web().replicas().desired()).isEqualTo(1);

        Set<String> burning = new LinkedHashSet<>();
        long rise = System.nanoTime();
        try {
            await("2 replicas within 60 s of the first replica spinning").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        burnInEveryRunningReplica(burning);
                        return web().replicas().desired() >= 2;
                    });
            System.out.printf("CpuAutoscaleIT: desired %d %.1f s after the loop started; %s%n",
                    web().replicas().desired(), (System.nanoTime() - rise) / 1e9, lastScaled().path("message").asText());
            measureStatsCalls(burning);
            // The loops stop while it runs more than one replica, so that the scale-in follows the stop.
            await("2 replicas or more with every replica spinning").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        burnInEveryRunningReplica(burning);
                        return web().replicas().desired() >= 2;
                    });
            System.out.printf("CpuAutoscaleIT: %d replicas %.1f s after the first loop started; figures %s; %s;"
                            + " load average %s%n", web().replicas().desired(), (System.nanoTime() - rise) / 1e9,
                    web().autoscale().measured(), lastScaled().path("message").asText(), CpuHog.loadAverage());
        } finally {
            stopBurning(burning);
        }
        long stopped = System.nanoTime();

        await("back to 1 replica after the loops stopped and the 10 s window passed").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> web().replicas().desired() == 1 && web().replicas().ready() == 1);
        System.out.printf("CpuAutoscaleIT: back to 1 %.1f s after the loops stopped; %s%n",
                (System.nanoTime() - stopped) / 1e9, lastScaled().path("message").asText());

        List<JsonNode> scaled = scaledEvents();
        JsonNode up = scaled.get(0);
        assertThat(up.path("message").asText())
                .matches("web: 1 → [23] replicas, [0-9.]+ % of the CPU limit per replica > 50 target.*");
        assertThat(up.path("data").path("target").asText()).isEqualTo("cpuPercent");
        assertThat(up.path("data").path("measured").asDouble()).isGreaterThan(55);
        assertThat(up.path("data").path("measures").path("cpuPercent").asDouble())
                .isEqualTo(up.path("data").path("measured").asDouble());
        assertThat(up.path("data").path("measures").path("memoryPercent").asDouble()).isBetween(0.0, 50.0);
        JsonNode down = scaled.get(scaled.size() - 1);
        assertThat(down.path("data").path("to").asInt()).isEqualTo(1);
        assertThat(down.path("message").asText())
                .matches("web: [23] → 1 replicas, [0-9.]+ % of the (CPU|memory) limit per replica < (50|90) target.*");
        assertThat(down.path("data").path("measures").path("cpuPercent").asDouble()).isLessThan(45);
        assertThat(metrics()).contains("slipway_autoscale_measured_per_replica{app=\"" + APP
                + "\",service=\"web\",target=\"cpuPercent\"}");
    }

    /**
     * Starts a loop in each running replica of the app that has none yet: the replicas the autoscaler adds get
     * busy as the first one, as replicas sharing the requests would.
     */
    private static void burnInEveryRunningReplica(Set<String> burning) throws Exception {
        for (String id : Docker.run("ps", "-q", "--no-trunc", "--filter", "label=io.slipway.app=" + APP,
                "--filter", "status=running").lines().filter(l -> !l.isBlank()).toList()) {
            if (burning.add(id)) {
                Docker.run("exec", "-d", id, "/bin/busybox", "timeout", String.valueOf(BURN_SECONDS),
                        "/bin/busybox", "sh", "-c", "while [ ! -e " + STOP_FILE + " ]; do :; done");
            }
        }
    }

    /** Ends every loop; a replica the runner replaced or stopped meanwhile took its loop with it. */
    private static void stopBurning(Set<String> burning) throws Exception {
        Set<String> running = Set.copyOf(Docker.run("ps", "-q", "--no-trunc", "--filter",
                "label=io.slipway.app=" + APP, "--filter", "status=running").lines().toList());
        for (String id : burning) {
            if (running.contains(id)) {
                try {
                    Docker.run("exec", id, "/bin/busybox", "touch", STOP_FILE);
                } catch (java.io.IOException e) {
                    // Stopped between the list and the exec: its loop ended with it.
                    System.out.printf("CpuAutoscaleIT: %s gone before its loop was stopped: %s%n", id, e.getMessage());
                }
            }
        }
    }

    /**
     * The cost of one stats reading as the runner makes it (one-shot, through its own client), while every
     * replica spins and the machine does whatever else it does.
     */
    private static void measureStatsCalls(Set<String> ids) {
        DockerContainers docker = new DockerContainers(
                System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock"), "127.0.0.1");
        try {
            ReplicaStats stats = docker.stats();
            List<Long> micros = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String id : ids) {
                    Replica r = new Replica(id, id.substring(0, 12), Map.of(Labels.APP, APP), Replica.State.RUNNING,
                            0, Replica.Health.NONE, "local", Map.of());
                    long t0 = System.nanoTime();
                    try {
                        stats.read(r);
                    } catch (io.jenkins.plugins.slipway.runner.engine.EngineException e) {
                        continue; // a replica the runner stopped meanwhile
                    }
                    micros.add((System.nanoTime() - t0) / 1000);
                }
            }
            List<Long> sorted = micros.stream().sorted().toList();
            assertThat(sorted).as("stats readings").isNotEmpty();
            System.out.printf("CpuAutoscaleIT: a stats reading took %.1f ms median, %.1f ms at most (%d readings of"
                            + " %d replicas, first one included); load average %s%n",
                    sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0, sorted.size(),
                    ids.size(), CpuHog.loadAverage());
        } finally {
            docker.close();
        }
    }

    private static AppStatus.ServiceStatus web() {
        return client.app(APP).services().get(0);
    }

    private static List<JsonNode> scaledEvents() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Apps.appEvents(fixture.runner(), APP).forEach(e -> {
            if (e.path("type").asText().equals(EventTypes.AUTOSCALED)) {
                out.add(e);
            }
        });
        return out;
    }

    private static JsonNode lastScaled() throws Exception {
        List<JsonNode> scaled = scaledEvents();
        return scaled.isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : scaled.get(scaled.size() - 1);
    }

    private static String metrics() throws Exception {
        return Http.send("GET", fixture.runner().url() + "/metrics", fixture.runner().token(), null).body();
    }
}
