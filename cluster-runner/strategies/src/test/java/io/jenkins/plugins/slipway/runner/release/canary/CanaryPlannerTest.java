package io.jenkins.plugins.slipway.runner.release.canary;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseState;
import io.jenkins.plugins.slipway.runner.release.plan.ReplicaSplit;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.analysis.AnalysisResult;
import io.jenkins.plugins.slipway.runner.analysis.Verdict;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CanaryPlannerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    private static final AnalysisSpec CHECK = new AnalysisSpec(
            List.of(new MetricSpec.RouterMetric("traffic", 0.99, 500L, 20)), Duration.ofSeconds(10), 3, 0, 0);
    private static final AnalysisSpec BACKGROUND = new AnalysisSpec(
            List.of(new MetricSpec.RouterMetric("traffic", 0.99, 500L, 20)), Duration.ofSeconds(10), 0, 0, 0);

    /** 0 setWeight 25, 1 pause 30s, 2 analysis, 3 setWeight 50, 4 pause {}, 5 setCanaryScale 1, 6 setWeight 75. */
    private static final ReleaseSpec.Canary SPEC = new ReleaseSpec.Canary(List.of(
            new CanaryStep.SetWeight(25),
            CanaryStep.Pause.of(Duration.ofSeconds(30)),
            new CanaryStep.Analysis(CHECK),
            new CanaryStep.SetWeight(50),
            CanaryStep.Pause.indefinite(),
            CanaryStep.SetCanaryScale.replicas(1),
            new CanaryStep.SetWeight(75)), Optional.empty(), List.of(), false);
    private static final ReleaseSpec.Canary WITH_BACKGROUND = new ReleaseSpec.Canary(SPEC.steps(),
            Optional.of(BACKGROUND), List.of(), false);

    private static CanaryContext at(ReleaseSpec.Canary spec, int step, int weight) {
        return new CanaryContext(spec, 4, false, step, weight, null, null, AnalysisState.NOT_STARTED,
                AnalysisState.NOT_STARTED, T0);
    }

    private static CanaryContext with(CanaryContext c, Instant pauseStartedAt, AnalysisState step,
                                      AnalysisState background, Instant now) {
        return new CanaryContext(c.spec(), c.totalReplicas(), c.firstRelease(), c.stepIndex(), c.weight(), c.scale(),
                pauseStartedAt, step, background, now);
    }

    private static AnalysisState ended(Verdict v) {
        return AnalysisState.of(new AnalysisResult(v, "analysis " + v.shout() + ": figures", List.of()));
    }

    static Stream<Arguments> table() {
        CanaryContext s0 = at(SPEC, 0, 0);
        CanaryContext s1 = at(SPEC, 1, 25);
        CanaryContext s2 = at(SPEC, 2, 25);
        CanaryContext s4 = at(SPEC, 4, 50);
        CanaryContext s5 = at(SPEC, 5, 50);
        CanaryContext s6 = at(SPEC, 6, 50);
        CanaryContext b0 = at(WITH_BACKGROUND, 0, 0);
        CanaryContext b1 = at(WITH_BACKGROUND, 1, 25);
        return Stream.of(
                Arguments.of("setWeight 25 of 4 replicas", s0, new ReleaseAction.SetWeight(25, new ReplicaSplit(1, 4))),
                Arguments.of("timed pause starts", s1, new ReleaseAction.StartPause(T0.plusSeconds(30))),
                Arguments.of("timed pause still running", with(s1, T0, AnalysisState.NOT_STARTED,
                        AnalysisState.NOT_STARTED, T0.plusSeconds(29)), new ReleaseAction.Wait(T0.plusSeconds(30),
                        "paused at step 2/7 with 25% on the canary until 2026-01-01T12:00:30Z")),
                Arguments.of("timed pause over", with(s1, T0, AnalysisState.NOT_STARTED, AnalysisState.NOT_STARTED,
                        T0.plusSeconds(30)), new ReleaseAction.Advance("pause of 30s at step 2/7 is over")),
                Arguments.of("inline analysis starts", s2, new ReleaseAction.StartAnalysis(CHECK, false)),
                Arguments.of("inline analysis running", with(s2, null, AnalysisState.RUNNING, AnalysisState.NOT_STARTED,
                        T0), new ReleaseAction.Wait(null, "analysis running at step 3/7: traffic every 10s x3")),
                Arguments.of("inline analysis passed", with(s2, null, ended(Verdict.Successful),
                        AnalysisState.NOT_STARTED, T0), new ReleaseAction.Advance(
                        "analysis at step 3/7 passed: analysis SUCCESSFUL: figures")),
                Arguments.of("inline analysis failed", with(s2, null, ended(Verdict.Failed), AnalysisState.NOT_STARTED,
                        T0), new ReleaseAction.Rollback("analysis at step 3/7 failed: analysis FAILED: figures")),
                Arguments.of("inline analysis error counts as failed", with(s2, null, ended(Verdict.Error),
                        AnalysisState.NOT_STARTED, T0), new ReleaseAction.Rollback(
                        "analysis at step 3/7 failed: analysis ERROR: figures")),
                Arguments.of("inline analysis inconclusive", with(s2, null, ended(Verdict.Inconclusive),
                        AnalysisState.NOT_STARTED, T0), new ReleaseAction.PauseInconclusive(
                        "analysis at step 3/7 inconclusive: analysis INCONCLUSIVE: figures")),
                Arguments.of("indefinite pause starts", s4, new ReleaseAction.StartPause(null)),
                Arguments.of("indefinite pause holds", with(s4, T0, AnalysisState.NOT_STARTED,
                        AnalysisState.NOT_STARTED, T0.plus(Duration.ofDays(3))), new ReleaseAction.Wait(null,
                        "paused at step 5/7 with 50% on the canary until promoted")),
                Arguments.of("setCanaryScale replicas 1", s5, new ReleaseAction.Scale(new ReplicaSplit(1, 4),
                        CanaryStep.SetCanaryScale.replicas(1))),
                Arguments.of("setWeight under a scale in force", new CanaryContext(SPEC, 4, false, 6, 50,
                        CanaryStep.SetCanaryScale.replicas(1), null, AnalysisState.NOT_STARTED,
                        AnalysisState.NOT_STARTED, T0), new ReleaseAction.SetWeight(75, new ReplicaSplit(1, 4))),
                Arguments.of("setWeight 75 following the weight", s6,
                        new ReleaseAction.SetWeight(75, new ReplicaSplit(3, 4))),
                Arguments.of("all steps done", at(SPEC, 7, 75), new ReleaseAction.Complete(new ReplicaSplit(4, 0))),
                Arguments.of("first release skips the steps", new CanaryContext(SPEC, 4, true, 0, 0, null, null,
                        AnalysisState.NOT_STARTED, AnalysisState.NOT_STARTED, T0),
                        new ReleaseAction.Complete(new ReplicaSplit(4, 0))),
                Arguments.of("background waits for traffic", b0, new ReleaseAction.SetWeight(25, new ReplicaSplit(1, 4))),
                Arguments.of("background starts with traffic", b1, new ReleaseAction.StartAnalysis(BACKGROUND, true)),
                Arguments.of("background running, step goes on", with(b1, null, AnalysisState.NOT_STARTED,
                        AnalysisState.RUNNING, T0), new ReleaseAction.StartPause(T0.plusSeconds(30))),
                Arguments.of("background failure beats the step", with(b1, T0, AnalysisState.NOT_STARTED,
                        ended(Verdict.Failed), T0.plusSeconds(31)), new ReleaseAction.Rollback(
                        "background analysis failed at step 2/7: analysis FAILED: figures")),
                Arguments.of("background inconclusive pauses", with(b1, T0, AnalysisState.NOT_STARTED,
                        ended(Verdict.Inconclusive), T0), new ReleaseAction.PauseInconclusive(
                        "background analysis inconclusive at step 2/7: analysis INCONCLUSIVE: figures")),
                Arguments.of("background not started at the end", at(WITH_BACKGROUND, 7, 75),
                        new ReleaseAction.Complete(new ReplicaSplit(4, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, CanaryContext context, ReleaseAction expected) {
        assertThat(CanaryPlanner.next(context)).isEqualTo(expected);
    }

    @Test
    void matchRulesAndRestart() {
        ReleaseSpec.Canary spec = new ReleaseSpec.Canary(SPEC.steps(), Optional.empty(), List.of(
                new io.jenkins.plugins.slipway.runner.release.spec.MatchCondition(
                        io.jenkins.plugins.slipway.runner.routing.MatchRule.Kind.HEADER, "X-Canary", "always")), true);
        assertThat(spec.matchRules("4")).containsExactly(new io.jenkins.plugins.slipway.runner.routing.MatchRule(
                io.jenkins.plugins.slipway.runner.routing.MatchRule.Kind.HEADER, "X-Canary", "always", "4"));
        assertThat(AnalysisState.RUNNING.afterRestart()).isEqualTo(AnalysisState.NOT_STARTED);
        assertThat(ended(Verdict.Failed).afterRestart()).isEqualTo(ended(Verdict.Failed));
    }

    @Test
    void completesStepOnlyWhereTheStepIsOver() {
        assertThat(new ReleaseAction.SetWeight(5, new ReplicaSplit(1, 1)).completesStep()).isTrue();
        assertThat(new ReleaseAction.Advance("x").completesStep()).isTrue();
        assertThat(new ReleaseAction.Scale(new ReplicaSplit(1, 1), null).completesStep()).isTrue();
        assertThat(new ReleaseAction.StartPause(null).completesStep()).isFalse();
        assertThat(new ReleaseAction.StartAnalysis(CHECK, false).completesStep()).isFalse();
        assertThat(new ReleaseAction.Wait(null, "x").completesStep()).isFalse();
    }

    /**
     * Drives a whole release the way the controller does: perform, save, ask again; time, verdicts and a promote
     * arrive from outside.
     */
    @Test
    void aWholeReleaseAsTheControllerDrivesIt() {
        List<String> log = new ArrayList<>();
        int step = 0;
        int weight = 0;
        CanaryStep.SetCanaryScale scale = null;
        Instant pauseStartedAt = null;
        AnalysisState analysis = AnalysisState.NOT_STARTED;
        Instant now = T0;
        for (int pass = 0; pass < 50; pass++) {
            ReleaseAction a = CanaryPlanner.next(new CanaryContext(SPEC, 4, false, step, weight, scale, pauseStartedAt,
                    analysis, AnalysisState.NOT_STARTED, now));
            log.add(a.describe());
            if (a instanceof ReleaseAction.SetWeight w) {
                weight = w.weight();
            } else if (a instanceof ReleaseAction.Scale s) {
                scale = s.inForce();
            } else if (a instanceof ReleaseAction.StartPause) {
                pauseStartedAt = now;
            } else if (a instanceof ReleaseAction.StartAnalysis) {
                analysis = AnalysisState.RUNNING;
            } else if (a instanceof ReleaseAction.Wait w && w.until() != null) {
                now = w.until();
            } else if (a instanceof ReleaseAction.Wait && analysis == AnalysisState.RUNNING) {
                analysis = ended(Verdict.Successful);
            } else if (a instanceof ReleaseAction.Wait) {
                // indefinite pause: a person promotes (Effect.SkipStep)
                assertThat(Phases.decide(new ReleaseState("canary", io.jenkins.plugins.slipway.runner.client.Phase.Paused,
                        PauseReason.Step, false), Command.Promote)).isInstanceOf(Transition.Allowed.class);
                log.add("(promoted)");
                step++;
                pauseStartedAt = null;
                continue;
            } else if (a instanceof ReleaseAction.Complete) {
                break;
            }
            if (a.completesStep()) {
                step++;
                pauseStartedAt = null;
                analysis = AnalysisState.NOT_STARTED;
            }
        }
        assertThat(log).containsExactly(
                "set canary weight 25% (1 canary, 4 stable replicas)",
                "pause until 2026-01-01T12:00:30Z",
                "paused at step 2/7 with 25% on the canary until 2026-01-01T12:00:30Z",
                "pause of 30s at step 2/7 is over",
                "run analysis: traffic every 10s x3",
                "analysis running at step 3/7: traffic every 10s x3",
                "analysis at step 3/7 passed: analysis SUCCESSFUL: figures",
                "set canary weight 50% (2 canary, 4 stable replicas)",
                "pause until promoted",
                "paused at step 5/7 with 50% on the canary until promoted",
                "(promoted)",
                "scale canary to 1 replicas",
                "set canary weight 75% (1 canary, 4 stable replicas)",
                "promoted: the new revision serves 100% on 4 replicas");
    }
}
