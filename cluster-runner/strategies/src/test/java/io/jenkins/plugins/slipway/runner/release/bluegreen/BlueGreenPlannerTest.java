package io.jenkins.plugins.slipway.runner.release.bluegreen;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReplicaSplit;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.analysis.AnalysisResult;
import io.jenkins.plugins.slipway.runner.analysis.Verdict;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlueGreenPlannerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final AnalysisSpec PRE = new AnalysisSpec(
            List.of(new MetricSpec.HttpMetric("health", "/healthz", 200, Duration.ofSeconds(2))),
            Duration.ofSeconds(5), 2, 0, 0);
    private static final ReleaseSpec.BlueGreen MANUAL = new ReleaseSpec.BlueGreen(18081, Optional.of(PRE), false, 0, 30);
    private static final ReleaseSpec.BlueGreen AUTO_60 = new ReleaseSpec.BlueGreen(null, Optional.empty(), true, 60, 10);
    private static final ReleaseSpec.BlueGreen AUTO_NOW = new ReleaseSpec.BlueGreen(null, Optional.empty(), true, 0, 0);

    /** A ready new revision (3/3 healthy), preview routed, nothing else done yet. */
    private static BlueGreenContext ready(ReleaseSpec.BlueGreen spec) {
        return new BlueGreenContext(spec, 3, false, 3, 3, true, AnalysisState.NOT_STARTED, null, Promotion.None, null,
                false, T0);
    }

    private static BlueGreenContext c(ReleaseSpec.BlueGreen spec, int started, int ready, boolean preview,
                                      AnalysisState analysis, Instant pausedAt, Promotion promotion, Instant switchedAt,
                                      boolean oldDown, Instant now) {
        return new BlueGreenContext(spec, 3, false, started, ready, preview, analysis, pausedAt, promotion, switchedAt,
                oldDown, now);
    }

    private static AnalysisState ended(Verdict v) {
        return AnalysisState.of(new AnalysisResult(v, "analysis " + v.shout() + ": figures", List.of()));
    }

    static Stream<Arguments> table() {
        AnalysisState ok = ended(Verdict.Successful);
        return Stream.of(
                Arguments.of("start the new revision at full scale", BlueGreenContext.start(MANUAL, 3, false, T0),
                        new ReleaseAction.ScaleNew(3)),
                Arguments.of("wait for health", c(MANUAL, 3, 2, false, AnalysisState.NOT_STARTED, null, Promotion.None,
                        null, false, T0), new ReleaseAction.Wait(null, "waiting for the new revision: 2/3 replicas healthy")),
                Arguments.of("promote never switches to unready replicas", c(MANUAL, 3, 2, false,
                        AnalysisState.NOT_STARTED, null, Promotion.Full, null, false, T0),
                        new ReleaseAction.Wait(null, "waiting for the new revision: 2/3 replicas healthy")),
                Arguments.of("open the preview", c(MANUAL, 3, 3, false, AnalysisState.NOT_STARTED, null, Promotion.None,
                        null, false, T0), new ReleaseAction.RoutePreview(18081)),
                Arguments.of("start pre-promotion analysis", ready(MANUAL), new ReleaseAction.StartAnalysis(PRE, false)),
                Arguments.of("analysis running", c(MANUAL, 3, 3, true, AnalysisState.RUNNING, null, Promotion.None, null,
                        false, T0), new ReleaseAction.Wait(null, "pre-promotion analysis running: health every 5s x2")),
                Arguments.of("promote waits for the analysis", c(MANUAL, 3, 3, true, AnalysisState.RUNNING, null,
                        Promotion.Next, null, false, T0), new ReleaseAction.Wait(null,
                        "pre-promotion analysis running: health every 5s x2")),
                Arguments.of("promote full skips the analysis", c(MANUAL, 3, 3, true, AnalysisState.RUNNING, null,
                        Promotion.Full, null, false, T0), new ReleaseAction.Switch(T0.plusSeconds(30))),
                Arguments.of("analysis failed", c(MANUAL, 3, 3, true, ended(Verdict.Failed), null, Promotion.None, null,
                        false, T0), new ReleaseAction.Rollback("pre-promotion analysis failed: analysis FAILED: figures")),
                Arguments.of("analysis inconclusive", c(MANUAL, 3, 3, true, ended(Verdict.Inconclusive), null,
                        Promotion.None, null, false, T0), new ReleaseAction.PauseInconclusive(
                        "pre-promotion analysis inconclusive: analysis INCONCLUSIVE: figures")),
                Arguments.of("manual: pause for promotion", c(MANUAL, 3, 3, true, ok, null, Promotion.None, null, false,
                        T0), new ReleaseAction.StartPause(null)),
                Arguments.of("manual: waiting", c(MANUAL, 3, 3, true, ok, T0, Promotion.None, null, false,
                        T0.plusSeconds(3600)), new ReleaseAction.Wait(null,
                        "new revision ready, waiting to be promoted; preview on port 18081")),
                Arguments.of("manual: promoted", c(MANUAL, 3, 3, true, ok, T0, Promotion.Next, null, false,
                        T0.plusSeconds(100)), new ReleaseAction.Switch(T0.plusSeconds(130))),
                Arguments.of("auto 60s: pause starts", ready(AUTO_60), new ReleaseAction.StartPause(T0.plusSeconds(60))),
                Arguments.of("auto 60s: waiting", c(AUTO_60, 3, 3, false, AnalysisState.NOT_STARTED, T0, Promotion.None,
                        null, false, T0.plusSeconds(59)), new ReleaseAction.Wait(T0.plusSeconds(60),
                        "new revision ready, switching at 2026-01-01T12:01:00Z unless aborted")),
                Arguments.of("auto 60s: switch", c(AUTO_60, 3, 3, false, AnalysisState.NOT_STARTED, T0, Promotion.None,
                        null, false, T0.plusSeconds(60)), new ReleaseAction.Switch(T0.plusSeconds(70))),
                Arguments.of("auto now: switch at once", ready(AUTO_NOW), new ReleaseAction.Switch(T0)),
                Arguments.of("first release: switch when ready", new BlueGreenContext(MANUAL, 3, true, 3, 3, false,
                        AnalysisState.NOT_STARTED, null, Promotion.None, null, false, T0),
                        new ReleaseAction.Switch(T0.plusSeconds(30))),
                Arguments.of("old kept during the delay", c(AUTO_60, 3, 3, false, AnalysisState.NOT_STARTED, T0,
                        Promotion.None, T0.plusSeconds(60), false, T0.plusSeconds(65)),
                        new ReleaseAction.Wait(T0.plusSeconds(70), "switched; the old revision keeps running until "
                                + "2026-01-01T12:01:10Z so that an abort switches back at once")),
                Arguments.of("old scaled down after the delay", c(AUTO_60, 3, 3, false, AnalysisState.NOT_STARTED, T0,
                        Promotion.None, T0.plusSeconds(60), false, T0.plusSeconds(70)), new ReleaseAction.ScaleDownOld()),
                Arguments.of("done", c(AUTO_60, 3, 3, false, AnalysisState.NOT_STARTED, T0, Promotion.None,
                        T0.plusSeconds(60), true, T0.plusSeconds(70)), new ReleaseAction.Complete(new ReplicaSplit(3, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, BlueGreenContext context, ReleaseAction expected) {
        assertThat(BlueGreenPlanner.next(context)).isEqualTo(expected);
    }

    @Test
    void switchPlanIsOneSwapEachWay() {
        SwitchPlan plan = SwitchPlan.of(MANUAL, "3", "4", T0);
        assertThat(plan.activeBefore()).isEqualTo(Map.of("3", 100));
        assertThat(plan.activeAfter()).isEqualTo(Map.of("4", 100));
        assertThat(plan.preview()).isEqualTo(Map.of("4", 100));
        assertThat(plan.rollback()).isEqualTo(Map.of("3", 100));
        assertThat(plan.scaleDownOldAt()).isEqualTo(T0.plusSeconds(30));
        SwitchPlan first = SwitchPlan.of(AUTO_NOW, null, "1", T0);
        assertThat(first.activeBefore()).isEmpty();
        assertThat(first.preview()).isEmpty();
        assertThat(first.scaleDownOldAt()).isEqualTo(T0);
    }
}
