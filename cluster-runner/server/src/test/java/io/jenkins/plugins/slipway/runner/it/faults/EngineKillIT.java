package io.jenkins.plugins.slipway.runner.it.faults;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.Http;
import io.jenkins.plugins.slipway.runner.it.LoadLoop;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the Docker engine (a dockerd of the test's own, see {@link OwnDockerd}) while apps serve,
 * in the middle of a rolling release and during a canary, then the engine started again on the same data root.
 * The runner notices, reconnects, starts again the replicas the engine's restart stopped, and the release goes
 * on; afterwards exactly the desired containers run. Prints the failed requests of a load loop through the
 * router and the time to recover. Needs root (a bridge and a dockerd).
 */
@WholeMachine("kills a dockerd beside the machine's and drives a load loop through the outage")
class EngineKillIT {
    private static final String SERVING = "it-ek-serve";
    private static final String ROLLING = "it-ek-roll";
    private static final String CANARY = "it-ek-canary";
    private static final String LOST = "The docker engine does not answer";

    private static OwnDockerd engine;
    private static RunnerProcess runner;
    private static RunnerClient client;
    private static String v1;
    private static String v2;

    @BeforeAll
    static void start() throws Exception {
        engine = OwnDockerd.start(Path.of("target", "it-runners"));
        v1 = Docker.image("v1", true);
        v2 = Docker.image("v2", true);
        engine.load(v1);
        engine.load(v2);
        runner = RunnerProcess.start("engine-kill", RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO,
                List.of("--docker-host", engine.host()));
        client = runner.client();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (runner != null) {
                for (String app : List.of(SERVING, ROLLING, CANARY)) {
                    Http.send("DELETE", runner.url() + "/api/v1/apps/" + app, runner.token(), null);
                }
                await("apps removed").atMost(Duration.ofSeconds(60)).until(() -> engine.docker("ps", "-aq").isBlank());
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (runner != null) {
                runner.close();
            }
            if (engine != null) {
                engine.close();
            }
            // This test's daemon shares the machine's network namespace: it must leave the machine's engine whole.
            assertThat(OwnDockerd.sh("ip -o link show docker0 || true")).as("the machine engine's docker0").contains("docker0:");
        }
    }

    @Test
    void engineKilledWhileAppsServe() throws Exception {
        int port = RunnerProcess.freePort(24000, 24099);
        deployAndAwait(SERVING, Apps.web(v1, 2, port, "", ""));
        List<String> desired = running(SERVING, 1, 2);
        assertThat(engine.containers(SERVING)).isEqualTo(desired);

        double recovered;
        int failed;
        int atRecovery;
        Map<String, Long> duringKill;
        try (LoadLoop load = new LoadLoop(port, 2, 200_000, Duration.ofSeconds(300))) {
            await("load before the kill").atMost(Duration.ofSeconds(30)).until(() -> load.requests() >= 50);
            assertThat(load.failures()).isEmpty();
            long killed = System.nanoTime();
            crashAndRestart();
            await("exactly the desired containers, the route answering v1").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> engine.containers(SERVING).equals(desired) && answersTenTimes(port, "version v1"));
            recovered = seconds(killed);
            failed = load.failures().size();
            atRecovery = load.requests();
            duringKill = summary(load.failures());
        }
        // A loop of its own after recovery: the first one may have used up its count or time during a slow restart.
        try (LoadLoop after = new LoadLoop(port, 2, 300, Duration.ofSeconds(120))) {
            await("300 requests after recovery").atMost(Duration.ofSeconds(150)).until(() -> after.requests() >= 300);
            after.close();
            System.out.printf("EngineKillIT serving: dockerd kill -9 -> app serving again with exactly %s in %.1f s;"
                            + " %d failed of %d requests (%s); after recovery %d more requests, %d failed (%s)%n",
                    desired, recovered, failed, atRecovery, duringKill, after.requests(), after.failures().size(),
                    summary(after.failures()));
            assertThat(after.failures()).as("no failure once recovered").isEmpty();
        }
        assertThat(engine.containers(SERVING)).isEqualTo(desired);
    }

    @Test
    void engineKilledInTheMiddleOfARollingRelease() throws Exception {
        int port = RunnerProcess.freePort(24000, 24099);
        deployAndAwait(ROLLING, Apps.web(v1, 3, port, "", ""));
        String slow = Apps.web(v2, 3, port, """
                update_config:
                  parallelism: 1
                  delay: 2s
                """, "");
        try (LoadLoop load = new LoadLoop(port, 2, 50_000, Duration.ofSeconds(300))) {
            String id = client.deploy(ROLLING, new DeployRequest(slow, Map.of(), null)).release();
            await("rollout at step 2").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> client.release(id).step() >= 2);
            List<String> atKill = engine.containers(ROLLING);
            long killed = System.nanoTime();
            crashAndRestart();
            ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(240));
            int revision = end.phase() == Phase.Succeeded ? 2 : 1;
            String version = revision == 2 ? "version v2" : "version v1";
            List<String> desired = running(ROLLING, revision, 3);
            await("exactly the desired containers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> engine.containers(ROLLING).equals(desired) && answersTenTimes(port, version));
            System.out.printf("EngineKillIT rolling: dockerd kill -9 at step %d with %s -> release %s (%s) in %.1f s,"
                            + " containers %s; %d failed of %d requests (%s)%n", 2, atKill, end.phase(), end.message(),
                    seconds(killed), desired, load.failures().size(), load.requests(), summary(load.failures()));
            assertThat(end.phase()).as(end.message()).isIn(Phase.Succeeded, Phase.RolledBack);
        }
    }

    @Test
    void engineKilledDuringACanary() throws Exception {
        int port = RunnerProcess.freePort(24000, 24099);
        deployAndAwait(CANARY, canary(v1, port));
        String id = client.deploy(CANARY, new DeployRequest(canary(v2, port), Map.of(), null)).release();
        await("canary paused at 50%").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ReleaseStatus s = client.release(id);
                    assertThat(s.phase().isTerminal()).as(s.toString()).isFalse();
                    return s.phase() == Phase.Paused && s.step() == 2;
                });
        await("both revisions serve").atMost(Duration.ofSeconds(60)).until(() -> servesBoth(port));
        List<String> atKill = engine.containers(CANARY);
        assertThat(atKill).allMatch(l -> l.endsWith(" running"));

        try (LoadLoop load = new LoadLoop(port, 2, 50_000, Duration.ofSeconds(240))) {
            long killed = System.nanoTime();
            crashAndRestart();
            await("the same containers running again, both revisions serving").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> engine.containers(CANARY).equals(atKill) && servesBoth(port));
            double recovered = seconds(killed);
            ReleaseStatus after = client.release(id);
            System.out.printf("EngineKillIT canary: dockerd kill -9 at step 2 (weight %d%%) with %s -> the same"
                            + " containers and both revisions serving in %.1f s, release %s at step %d weight %d%%;"
                            + " %d failed of %d requests (%s)%n", after.canaryWeight(), atKill, recovered, after.phase(),
                    after.step(), after.canaryWeight(), load.failures().size(), load.requests(), summary(load.failures()));
            assertThat(after.phase()).isEqualTo(Phase.Paused);
            assertThat(after.step()).isEqualTo(2);
            assertThat(after.canaryWeight()).isEqualTo(50);
        }
        client.promote(id, false);
        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
        await("exactly the promoted revision's containers").atMost(Duration.ofSeconds(60))
                .until(() -> engine.containers(CANARY).equals(running(CANARY, 2, 2)));
        assertThat(answersTenTimes(port, "version v2")).isTrue();
    }

    /** kill -9 of dockerd; waits until the runner says it lost the engine, then starts the engine again. */
    private static void crashAndRestart() throws Exception {
        int lostBefore = count(runner.logText(), LOST);
        engine.kill9();
        await("the runner notices the engine is gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count(runner.logText(), LOST) > lostBefore);
        engine.launch();
    }

    private static void deployAndAwait(String app, String compose) {
        String id = client.deploy(app, new DeployRequest(compose, Map.of(), null)).release();
        ReleaseStatus end = Apps.awaitEnd(client, id, Duration.ofSeconds(120));
        assertThat(end.phase()).as(end.message()).isEqualTo(Phase.Succeeded);
    }

    private static String canary(String image, int port) {
        return """
                services:
                  web:
                    image: %s
                    stop_grace_period: 1s
                    deploy:
                      replicas: 2
                    x-slipway:
                      route: {port: %d, targetPort: 8080}
                      release:
                        strategy: canary
                        steps:
                          - setWeight: 50
                          - pause: {}
                """.formatted(image, port);
    }

    private static List<String> running(String app, int revision, int replicas) {
        return IntStream.rangeClosed(1, replicas)
                .mapToObj(i -> "slipway-" + app + "-web-" + revision + "-" + i + " " + revision + " running").toList();
    }

    private static boolean answersTenTimes(int port, String body) {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/");
            if (r == null || r.statusCode() != 200 || !r.body().contains(body)) {
                return false;
            }
        }
        return true;
    }

    private static boolean servesBoth(int port) {
        boolean v1Seen = false;
        boolean v2Seen = false;
        for (int i = 0; i < 40 && !(v1Seen && v2Seen); i++) {
            HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/");
            if (r == null || r.statusCode() != 200) {
                return false;
            }
            v1Seen |= r.body().contains("version v1");
            v2Seen |= r.body().contains("version v2");
        }
        return v1Seen && v2Seen;
    }

    /** Failures grouped by their first words: what the clients saw during the outage. */
    private static Map<String, Long> summary(List<String> failures) {
        return failures.stream().collect(java.util.stream.Collectors.groupingBy(
                f -> f.length() > 60 ? f.substring(0, 60) : f, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
