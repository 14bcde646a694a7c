package io.jenkins.plugins.slipway.runner.it.gray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.it.Apps;
import io.jenkins.plugins.slipway.runner.it.RunnerFixture;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway-runner get APP -w} in a real terminal (tmux) against a real runner: a canary at its pause shows
 * the header and the revision tree, and the view is redrawn in place when a promote moves the release on. The
 * panes captured are kept in {@code target/get-watch-*.txt}.
 */
class GetWatchIT {
    private static final String APP = "gray-get";
    private static final String SESSION = "slipway-get-watch-it";
    private static RunnerFixture fixture;
    private static RunnerClient client;

    @BeforeAll
    static void start() throws Exception {
        fixture = RunnerFixture.start(APP, 23400, 23499, List.of(APP));
        client = fixture.client();
    }

    @AfterAll
    static void stop() throws Exception {
        tmux("kill-session", "-t", SESSION);
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void getWatchShowsTheCanaryAtItsPauseAndRedrawsOnPromote() throws Exception {
        int port = RunnerProcess.freePort(23500, 23599);
        // Intervals of 3 s: at 25% a 1 s interval saw no request to the canary beside stress-ng (the load loop slowed
        // to a few per second), and an inconclusive analysis pauses at step 2 rather than 3.
        String release = """
                strategy: canary
                steps:
                  - setWeight: 25
                  - analysis:
                      interval: 3s
                      count: 2
                      metrics:
                        - name: traffic
                          router: {successRate: 0.95, maxP99Ms: 2000, minRequests: 1}
                  - pause: {}
                """;
        String compose = GrayApps.app(GrayApps.service("web", GrayImages.web("v1"), 2, port, release));
        ReleaseStatus first = Apps.awaitEnd(client, client.deploy(APP, new DeployRequest(compose, Map.of(), null)).release(),
                Duration.ofSeconds(90));
        assertThat(first.phase()).as(first.message()).isEqualTo(Phase.Succeeded);
        String v2 = GrayImages.web("v2");

        try (GrayLoad load = new GrayLoad(port, 2, 20_000, Duration.ofSeconds(150))) {
            load.awaitAnswers(0, 20, Duration.ofSeconds(20));
            String id = client.deploy(APP, new DeployRequest(compose, Map.of("web", v2), null)).release();
            GrayApps.awaitPhase(client, id, Phase.Paused, 3, Duration.ofSeconds(90));

            startInTmux();
            String paused = awaitPane("the canary at its pause", pane -> pane.contains("Status:          ॥ Paused")
                    && pane.contains("ActualWeight:  ") && !pane.contains("ActualWeight:  -")
                    && pane.contains("α " + id + "-step-2"));
            keep("paused", paused);
            assertThat(paused).contains("Name:            gray-get", "Strategy:        canary", "  Step:          3/3",
                    "  SetWeight:     25", "gray-web:v2 (canary)", "gray-web:v1 (stable)", "Replicas:", "  Desired:       2", "  Current:       3",
                    "  Updated:       1", "  Ready:         3",
                    "⟳ gray-get", "├──# revision:2", "└──# revision:1", "⧉ web-2", "□ web-2-1", "⧉ web-1", "□ web-1-1",
                    "□ web-1-2", "ReplicaSet", "Replica ", "AnalysisRun", "✔ Successful", "✔ 2", "release " + id);
            assertThat(paused).containsPattern("⧉ web-2 +ReplicaSet +✔ Healthy +[0-9ms]+ +canary, weight 25% \\(actual \\d+%\\)");
            assertThat(paused).containsPattern("□ web-2-1 +Replica +✔ Healthy +[0-9ms]+ +ready:1/1");
            int actual = actualWeight(paused);
            assertThat(actual).as("share of the canary the router measured at 25%").isBetween(1, 60);
            assertThat(count(paused, "Name:")).as("one view on the screen").isEqualTo(1);

            client.promote(id, false);
            String promoted = awaitPane("the view redrawn after promote", pane -> pane.contains("Status:          ✔ Healthy")
                    && pane.contains("get exited 0"));
            keep("promoted", promoted);
            assertThat(promoted).contains("  SetWeight:     100", "gray-web:v2 (stable)", "⧉ web-2", "stable, weight 100%")
                    .doesNotContain("(canary)", "॥ Paused");
            assertThat(count(promoted, "Name:")).as("redrawn in place, not appended").isEqualTo(1);
            assertThat(client.release(id).phase()).isEqualTo(Phase.Succeeded);
        }
    }

    private static void startInTmux() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(System.getProperty("slipway.runner.jar", "../target/slipway-runner.jar")).toAbsolutePath().toString();
        String command = String.join(" ", java, "-jar", jar, "get", APP, "-w", "--url", fixture.runner().url(),
                "--token-file", fixture.runner().tokenFile().toString())
                + "; echo \"get exited $?\"; sleep 120";
        tmux("kill-session", "-t", SESSION);
        assertThat(tmux("-u", "new-session", "-d", "-s", SESSION, "-x", "150", "-y", "50", "-e", "LANG=C.UTF-8",
                "-e", "TERM=xterm-256color", command)).isZero();
    }

    private interface PaneCheck {
        boolean ok(String pane);
    }

    private static String awaitPane(String what, PaneCheck check) {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            await(what + " in the tmux pane").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        last.set(capture());
                        return check.ok(last.get());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; the pane shows:\n" + last.get(), e);
        }
        return last.get();
    }

    private static String capture() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-J", "-t", SESSION).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return text;
    }

    private static int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("tmux"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static void keep(String name, String pane) throws IOException {
        Path file = Path.of("target", "get-watch-" + name + ".txt");
        Files.writeString(file, pane);
        System.out.println("slipway-runner get " + APP + " -w, " + name + ":\n" + pane);
    }

    private static int actualWeight(String pane) {
        Matcher m = Pattern.compile("ActualWeight: +(\\d+)").matcher(pane);
        assertThat(m.find()).as(pane).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }
}
