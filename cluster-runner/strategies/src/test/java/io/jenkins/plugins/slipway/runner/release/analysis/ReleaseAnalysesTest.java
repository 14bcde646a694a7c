package io.jenkins.plugins.slipway.runner.release.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.analysis.AnalysisResult;
import io.jenkins.plugins.slipway.runner.analysis.FakeSnapshot;
import io.jenkins.plugins.slipway.runner.analysis.LoopbackServer;
import io.jenkins.plugins.slipway.runner.analysis.ManualScheduler;
import io.jenkins.plugins.slipway.runner.analysis.Measurement;
import io.jenkins.plugins.slipway.runner.analysis.ReleaseContext;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReleaseAnalysesTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final MetricSpec.RouterMetric TRAFFIC = new MetricSpec.RouterMetric("traffic", 0.99, null, 10);
    private static final ReleaseAction.StartAnalysis STEP = new ReleaseAction.StartAnalysis(
            new AnalysisSpec(List.of(TRAFFIC), INTERVAL, 2, 0, 0), false);
    private static final ReleaseAction.StartAnalysis BACKGROUND = new ReleaseAction.StartAnalysis(
            new AnalysisSpec(List.of(TRAFFIC), INTERVAL, 0, 0, 0), true);
    private static final ReleaseContext CONTEXT = new ReleaseContext("shop", "r-1", "3", "4", 1,
            List.of(new ReleaseContext.ServiceTarget("web", "shop/web", List.of())));

    private final ManualScheduler time = new ManualScheduler();
    private final List<String> heard = new ArrayList<>();
    private FakeSnapshot canary = FakeSnapshot.none();

    private final ReleaseAnalyses analyses = new ReleaseAnalyses((route, rev) -> canary, HttpClient.newHttpClient(),
            time, new ReleaseAnalyses.Listener() {
                @Override
                public void measured(ReleaseAnalyses.Slot slot, Measurement m) {
                    heard.add(slot + " " + m.metric() + " #" + m.index() + " " + m.verdict());
                }

                @Override
                public void ended(ReleaseAnalyses.Slot slot, AnalysisResult result) {
                    heard.add(slot + " ended " + result.verdict());
                }
            });

    private void traffic(int requests, int failures) {
        canary = canary.plus(requests, failures, 20);
    }

    @Test
    void aStepRunFromStartToVerdict() {
        assertThat(analyses.state(ReleaseAnalyses.Slot.Step)).isEqualTo(AnalysisState.NOT_STARTED);
        analyses.start(STEP, CONTEXT);
        assertThat(analyses.state(ReleaseAnalyses.Slot.Step)).isEqualTo(AnalysisState.RUNNING);
        traffic(50, 0);
        time.advance(INTERVAL);
        traffic(50, 0);
        time.advance(INTERVAL);
        assertThat(heard).containsExactly("Step traffic #1 Successful", "Step traffic #2 Successful",
                "Step ended Successful");
        assertThat(analyses.state(ReleaseAnalyses.Slot.Step).status()).isEqualTo(AnalysisState.Status.Successful);
        analyses.cancel(ReleaseAnalyses.Slot.Step); // the step completed: forget it
        assertThat(analyses.state(ReleaseAnalyses.Slot.Step)).isEqualTo(AnalysisState.NOT_STARTED);
    }

    @Test
    void backgroundAndStepRunSideBySideAndAFailureEndsOnlyItsOwnSlot() {
        analyses.start(BACKGROUND, CONTEXT);
        analyses.start(STEP, CONTEXT);
        traffic(50, 25);
        time.advance(INTERVAL);
        assertThat(heard).containsExactlyInAnyOrder("Background traffic #1 Failed", "Background ended Failed",
                "Step traffic #1 Failed", "Step ended Failed");
        assertThat(analyses.state(ReleaseAnalyses.Slot.Background).status()).isEqualTo(AnalysisState.Status.Failed);
        assertThat(analyses.state(ReleaseAnalyses.Slot.Background).message()).startsWith("analysis FAILED: traffic #1:");
    }

    @Test
    void startingAgainReplacesTheRunInThatSlot() {
        analyses.start(STEP, CONTEXT);
        traffic(50, 0);
        time.advance(INTERVAL);
        analyses.start(STEP, CONTEXT); // e.g. resume after an inconclusive verdict
        traffic(50, 0);
        time.advance(INTERVAL);
        assertThat(heard).containsExactly("Step traffic #1 Successful", "Step traffic #1 Successful");
        assertThat(time.pendingTasks()).isEqualTo(1);
    }

    @Test
    void aRunProbesTheNewReplicasItIsToldOfFromItsNextMeasurementOn() throws Exception {
        List<Measurement> measured = new CopyOnWriteArrayList<>();
        ReleaseAnalyses probing = new ReleaseAnalyses((route, rev) -> canary, HttpClient.newHttpClient(), time,
                new ReleaseAnalyses.Listener() {
                    @Override
                    public void measured(ReleaseAnalyses.Slot slot, Measurement m) {
                        measured.add(m);
                    }

                    @Override
                    public void ended(ReleaseAnalyses.Slot slot, AnalysisResult result) {
                    }
                });
        MetricSpec.HttpMetric health = new MetricSpec.HttpMetric("health", "/health", 200, Duration.ofSeconds(2));
        ReleaseAction.StartAnalysis background = new ReleaseAction.StartAnalysis(
                new AnalysisSpec(List.of(health), INTERVAL, 0, 0, 0), true);
        try (LoopbackServer first = new LoopbackServer(200); LoopbackServer added = new LoopbackServer(200)) {
            probing.start(background, new ReleaseContext("shop", "r-1", "3", "4", 0,
                    List.of(new ReleaseContext.ServiceTarget("web", "shop/web", List.of(first.endpoint())))));
            time.advance(INTERVAL);
            await().atMost(Duration.ofSeconds(60)).until(() -> measured.size() == 1 && time.pendingTasks() == 1);
            assertThat(measured.get(0).values()).containsEntry("probed", 1);

            // A later step (a bigger weight, setCanaryScale) started a second replica of the canary.
            probing.newReplicas(Map.of("web", List.of(first.endpoint(), added.endpoint())));
            time.advance(INTERVAL);
            await().atMost(Duration.ofSeconds(60)).until(() -> measured.size() == 2);
            assertThat(measured.get(1).values()).containsEntry("probed", 2);
            assertThat(added.requests).containsExactly("GET /health");
            assertThat(first.requests).hasSize(2);
        } finally {
            probing.close();
        }
    }

    @Test
    void closeCancelsEverythingAndNothingIsHeardAfterwards() {
        analyses.start(BACKGROUND, CONTEXT);
        analyses.start(STEP, CONTEXT);
        analyses.close();
        assertThat(time.pendingTasks()).isZero();
        time.advance(INTERVAL.multipliedBy(5));
        assertThat(heard).isEmpty();
        assertThat(analyses.state(ReleaseAnalyses.Slot.Background)).isEqualTo(AnalysisState.NOT_STARTED);
        assertThatThrownBy(() -> analyses.start(STEP, CONTEXT)).isInstanceOf(IllegalStateException.class);
    }
}
