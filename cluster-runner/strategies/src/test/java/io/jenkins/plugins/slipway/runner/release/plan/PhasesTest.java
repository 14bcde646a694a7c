package io.jenkins.plugins.slipway.runner.release.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.analysis.Verdict;
import io.jenkins.plugins.slipway.runner.client.Phase;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PhasesTest {

    /** strategy, phase, pause reason, rolling back, command -> effect and phase, or 409 and the start of its reason. */
    @ParameterizedTest(name = "{0} {1}/{2} rollingBack={3} {4} -> {5} {6}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "canary    | Progressing | -            | false | Promote     | SkipStep      | Progressing",
            "canary    | Progressing | -            | false | PromoteFull | SkipAllSteps  | Progressing",
            "canary    | Progressing | -            | false | Abort       | RollBack      | Aborted",
            "canary    | Progressing | -            | false | Pause       | Hold          | Paused",
            "canary    | Progressing | -            | false | Resume      | 409           | the release is not paused",
            "canary    | Paused      | Step         | false | Promote     | SkipStep      | Progressing",
            "canary    | Paused      | Step         | false | PromoteFull | SkipAllSteps  | Progressing",
            "canary    | Paused      | Step         | false | Abort       | RollBack      | Aborted",
            "canary    | Paused      | Step         | false | Pause       | 409           | the release is already paused (at a pause step)",
            "canary    | Paused      | Step         | false | Resume      | 409           | the release waits at a pause step; promote it",
            "canary    | Paused      | User         | false | Resume      | Continue      | Progressing",
            "canary    | Paused      | User         | false | Promote     | SkipStep      | Progressing",
            "canary    | Paused      | User         | false | Pause       | 409           | the release is already paused (by hand)",
            "canary    | Paused      | Inconclusive | false | Resume      | RetryAnalysis | Progressing",
            "canary    | Paused      | Inconclusive | false | Promote     | SkipStep      | Progressing",
            "canary    | Paused      | Inconclusive | false | Abort       | RollBack      | Aborted",
            "blueGreen | Paused      | Step         | false | Promote     | SkipStep      | Progressing",
            "blueGreen | Progressing | -            | false | PromoteFull | SkipAllSteps  | Progressing",
            "canary    | Pending     | -            | false | Promote     | 409           | the release has not started yet",
            "canary    | Pending     | -            | false | Abort       | RollBack      | Aborted",
            "rolling   | Progressing | -            | false | Abort       | RollBack      | Aborted",
            "rolling   | Progressing | -            | false | Promote     | 409           | a rolling release has no steps to promote",
            "rolling   | Progressing | -            | false | Pause       | 409           | a rolling release has no steps to pause",
            "rolling   | Progressing | -            | false | Resume      | 409           | the release is not paused",
            "rolling   | Paused      | Unhealthy    | false | Resume      | Continue      | Progressing",
            "rolling   | Paused      | Unhealthy    | false | Promote     | 409           | a rolling release has no steps to promote",
            "rolling   | Paused      | Unhealthy    | false | Abort       | RollBack      | Aborted",
            "rolling   | Paused      | Unhealthy    | false | Pause       | 409           | a rolling release has no steps to pause",
            "rolling   | Progressing | -            | true  | Resume      | 409           | the release is rolling back",
            "canary    | Progressing | -            | true  | Abort       | 409           | the release is rolling back; nothing to abort",
            "canary    | Progressing | -            | true  | Promote     | 409           | the release is rolling back",
            "canary    | Succeeded   | -            | false | Abort       | 409           | the release has already ended (Succeeded); nothing to abort",
            "canary    | RolledBack  | -            | false | Promote     | 409           | the release has already ended (RolledBack)",
            "canary    | Aborted     | -            | false | PromoteFull | 409           | the release has already ended (Aborted); nothing to promote fully",
            "canary    | Failed      | -            | false | Resume      | 409           | the release has already ended (Failed)"})
    void commands(String strategy, Phase phase, PauseReason reason, boolean rollingBack, Command command,
                  String effect, String then) {
        Transition t = Phases.decide(new ReleaseState(strategy, phase, reason, rollingBack), command);
        if (effect.equals("409")) {
            assertThat(t).isInstanceOf(Transition.NotApplicable.class);
            assertThat(((Transition.NotApplicable) t).reason()).startsWith(then);
        } else {
            assertThat(t).isInstanceOf(Transition.Allowed.class);
            Transition.Allowed a = (Transition.Allowed) t;
            assertThat(a.effect()).isEqualTo(Effect.valueOf(effect));
            assertThat(a.phase()).isEqualTo(Phase.valueOf(then));
            assertThat(a.pauseReason()).isEqualTo(a.phase() == Phase.Paused ? PauseReason.User : null);
        }
    }

    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of(Verdict.Successful, Effect.Continue, Phase.Progressing, null),
                Arguments.of(Verdict.Inconclusive, Effect.Hold, Phase.Paused, PauseReason.Inconclusive),
                Arguments.of(Verdict.Failed, Effect.RollBack, Phase.RolledBack, null),
                Arguments.of(Verdict.Error, Effect.RollBack, Phase.RolledBack, null));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("verdicts")
    void afterAnalysis(Verdict verdict, Effect effect, Phase phase, PauseReason reason) {
        Transition.Allowed a = (Transition.Allowed) Phases.afterAnalysis(verdict, "analysis " + verdict.shout());
        assertThat(a.effect()).isEqualTo(effect);
        assertThat(a.phase()).isEqualTo(phase);
        assertThat(a.pauseReason()).isEqualTo(reason);
        assertThat(a.message()).startsWith("analysis " + verdict.shout());
    }

    @ParameterizedTest(name = "{0}, stable restored {1} -> {2}")
    @CsvSource({"Aborted, true, Aborted", "AnalysisFailed, true, RolledBack", "Unhealthy, true, RolledBack",
            "Aborted, false, Failed", "AnalysisFailed, false, Failed"})
    void afterRollback(Phases.RollbackCause cause, boolean restored, Phase phase) {
        assertThat(Phases.afterRollback(cause, restored)).isEqualTo(phase);
    }
}
