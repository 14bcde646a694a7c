package io.jenkins.plugins.slipway.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.AppStatus.ReplicaSetStatus;
import io.jenkins.plugins.slipway.runner.client.AppStatus.ReplicaStatus;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutViewTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:10:00Z");
    private static final String REF4 = "127.0.0.1:5000/shop/web@sha256:4444";
    private static final String REF5 = "127.0.0.1:5000/shop/web@sha256:5555";

    private final List<ReleaseEvent> events = new ArrayList<>();

    private void event(String time, String type, Phase phase, Map<String, Object> data) {
        events.add(new ReleaseEvent(events.size() + 1, type, "shop-5-9c1e", "shop", "2026-12-01T" + time + "Z", phase,
                type, data));
    }

    private static AppStatus shop(Map<String, Integer> weights, Map<String, Integer> actual, ReplicaSetStatus... sets) {
        AppStatus.ServiceStatus web = new AppStatus.ServiceStatus("web", new AppStatus.Replicas(3, 3),
                Map.of("4", REF4, "5", REF5), new AppStatus.Route(18080, 8080), weights, actual, List.of(sets));
        return new AppStatus("shop", 5, List.of(web), "shop-5-9c1e");
    }

    private static ReplicaSetStatus set(int revision, int desired, int weight, String... healths) {
        List<ReplicaStatus> replicas = new ArrayList<>();
        for (int i = 0; i < healths.length; i++) {
            replicas.add(new ReplicaStatus("web-" + revision + "-" + (i + 1), healths[i]));
        }
        return new ReplicaSetStatus(revision, desired, weight, replicas);
    }

    private void canaryAtItsPause() {
        event("12:00:00", "ReleaseStarted", Phase.Progressing, Map.of("fromRevision", 4, "toRevision", 5));
        event("12:00:01", "StepStarted", Phase.Progressing, Map.of("step", 1, "stepCount", 4));
        event("12:00:02", "ReplicaStarted", Phase.Progressing, Map.of("replica", "web-5-1", "service", "web", "revision", 5));
        event("12:00:03", "ReplicaHealthy", Phase.Progressing, Map.of("replica", "web-5-1", "service", "web", "revision", 5));
        event("12:00:04", "TrafficShifted", Phase.Progressing, Map.of("service", "web"));
        event("12:00:05", "StepStarted", Phase.Progressing, Map.of("step", 2, "stepCount", 4));
        event("12:00:15", "AnalysisMeasured", Phase.Progressing, Map.of("analysis", "step", "verdict", "Successful"));
        event("12:00:25", "AnalysisMeasured", Phase.Progressing, Map.of("analysis", "step", "verdict", "Inconclusive"));
        event("12:00:35", "AnalysisMeasured", Phase.Progressing, Map.of("analysis", "step", "verdict", "Successful"));
        event("12:00:40", "AnalysisMeasured", Phase.Progressing, Map.of("analysis", "background", "verdict", "Failed"));
        event("12:00:45", "StepStarted", Phase.Progressing, Map.of("step", 3, "stepCount", 4));
        event("12:00:45", "ReleasePaused", Phase.Paused, Map.of("step", 3));
    }

    @Test
    void aCanaryAtItsPauseShowsHeaderAndTree() throws IOException {
        canaryAtItsPause();
        ReleaseStatus release = new ReleaseStatus("shop-5-9c1e", "shop", 4, 5, "canary", Phase.Paused, 3, 4, 25,
                "paused at step 3/4 with 25% on the canary until promoted");
        AppStatus app = shop(Map.of("4", 75, "5", 25), Map.of("4", 77, "5", 23),
                set(4, 3, 75, "healthy", "healthy", "healthy"), set(5, 1, 25, "healthy"));
        assertThat(new RolloutView(app, release, events, NOW).render()).isEqualTo(golden("canary-paused.txt"));
    }

    @Test
    void aSucceededReleaseMarksTheNewRevisionStableAndTheOldOneScaledDown() throws IOException {
        canaryAtItsPause();
        event("12:05:00", "ReplicaStarted", Phase.Progressing, Map.of("replica", "web-5-2"));
        event("12:05:30", "ReleaseSucceeded", Phase.Succeeded, Map.of("revision", 5));
        ReleaseStatus release = new ReleaseStatus("shop-5-9c1e", "shop", 4, 5, "canary", Phase.Succeeded, 4, 4, 100,
                "release shop-5-9c1e succeeded: shop at revision 5");
        AppStatus app = shop(Map.of("5", 100), Map.of(), set(4, 0, 0), set(5, 2, 100, "healthy", "starting"));
        assertThat(new RolloutView(app, release, events, NOW).render()).isEqualTo(golden("canary-succeeded.txt"));
    }

    @Test
    void agesReadAsKubectlPrintsThem() {
        RolloutView view = new RolloutView(shop(Map.of(), Map.of()), null, List.of(), NOW);
        assertThat(view.age(null)).isEqualTo("-");
        assertThat(view.age(NOW.minusSeconds(45))).isEqualTo("45s");
        assertThat(view.age(NOW.minusSeconds(192))).isEqualTo("3m12s");
        assertThat(view.age(NOW.minusSeconds(25 * 60))).isEqualTo("25m");
        assertThat(view.age(NOW.minusSeconds(5 * 3600 + 12 * 60))).isEqualTo("5h12m");
        assertThat(view.age(NOW.minusSeconds(3 * 86400))).isEqualTo("3d");
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = RolloutViewTest.class.getResourceAsStream("/cli/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
