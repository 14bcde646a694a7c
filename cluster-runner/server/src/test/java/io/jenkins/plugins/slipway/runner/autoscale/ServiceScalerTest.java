package io.jenkins.plugins.slipway.runner.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import io.jenkins.plugins.slipway.runner.compose.Autoscale.Behavior;
import io.jenkins.plugins.slipway.runner.compose.Autoscale.Step;
import io.jenkins.plugins.slipway.runner.compose.Autoscale.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HPA cases: proposal per target, tolerance, the largest target wins, windows, steps, min..max. */
class ServiceScalerTest {
    private static final Map<Target, Double> RPS_50 = Map.of(Target.REQUESTS_PER_SECOND, 50.0);

    private static Measurement rps(double perReplica) {
        return new Measurement(Target.REQUESTS_PER_SECOND, perReplica, 50);
    }

    private static Measurement inFlight(double perReplica) {
        return new Measurement(Target.IN_FLIGHT, perReplica, 4);
    }

    private static ServiceScaler scaler(int min, int max, Behavior up, Behavior down) {
        return new ServiceScaler(new Autoscale(min, max, RPS_50, up, down));
    }

    private static ServiceScaler defaults(int min, int max) {
        return scaler(min, max, Behavior.UP, Behavior.DOWN);
    }

    @Test
    void theProposalIsCeilOfReadyTimesTheRatio() {
        assertThat(ServiceScaler.proposal(rps(142), 1, 1)).isEqualTo(3);
        assertThat(ServiceScaler.proposal(rps(100), 2, 2)).isEqualTo(4);
        assertThat(ServiceScaler.proposal(rps(10), 4, 4)).isEqualTo(1);
        assertThat(ServiceScaler.proposal(rps(0), 4, 4)).isEqualTo(0);
    }

    @Test
    void withinTenPercentOfTheTargetNothingChanges() {
        assertThat(ServiceScaler.proposal(rps(54.9), 3, 3)).isEqualTo(3);
        assertThat(ServiceScaler.proposal(rps(45.1), 3, 3)).isEqualTo(3);
        assertThat(ServiceScaler.proposal(rps(56), 3, 3)).isEqualTo(4);
        Decision d = defaults(1, 5).decide(0, 3, 3, List.of(rps(54)));
        assertThat(d.changes()).isFalse();
    }

    @Test
    void scaleUpIsImmediateAndTheEventHasTheFigures() {
        Decision d = defaults(1, 5).decide(0, 1, 1, List.of(rps(142)));

        assertThat(d.to()).isEqualTo(3);
        assertThat(d.describe("web")).isEqualTo("web: 1 → 3 replicas, 142 req/s per replica > 50 target");
    }

    @Test
    void aCountSetByHandIsHeldByTheScaleDownWindowThenTheLoadTakesOver() {
        ServiceScaler s = scaler(1, 5, Behavior.UP, new Behavior(Duration.ofSeconds(300), Step.percent(100),
                Duration.ofSeconds(15)));
        assertThat(s.decide(0, 1, 1, List.of(rps(0))).to()).isEqualTo(1);

        s.setByHand(1_000, 3);
        assertThat(s.decide(2_000, 3, 1, List.of(rps(0))).to()).as("within the window").isEqualTo(3);
        assertThat(s.decide(200_000, 3, 3, List.of(rps(0))).to()).isEqualTo(3);
        assertThat(s.decide(302_000, 3, 3, List.of(rps(0))).to()).as("the window has passed").isEqualTo(1);
    }

    @Test
    void aReleaseKeepsTheHistorySoThePeakIsStillHeldAfterIt() {
        Behavior down = new Behavior(Duration.ofSeconds(300), Step.percent(100), Duration.ofSeconds(15));
        ServiceScaler canary = scaler(1, 6, Behavior.UP, down);
        assertThat(canary.decide(0, 1, 1, List.of(rps(250))).to()).as("the load's peak").isEqualTo(5);

        ServiceScaler promoted = canary.continuing(new Autoscale(1, 6, RPS_50, Behavior.UP, down));
        ServiceScaler forgetful = scaler(1, 6, Behavior.UP, down);
        assertThat(promoted.decide(10_000, 5, 5, List.of(rps(0))).to()).as("within the window").isEqualTo(5);
        assertThat(forgetful.decide(10_000, 5, 5, List.of(rps(0))).to()).as("without the history").isEqualTo(1);
        assertThat(promoted.decide(301_000, 5, 5, List.of(rps(0))).to()).as("the window has passed").isEqualTo(1);
    }

    @Test
    void aChangedPolicyGoesOnFromTheHistoryWithinItsNewBounds() {
        ServiceScaler before = defaults(1, 6);
        before.decide(0, 1, 1, List.of(rps(250)));

        ServiceScaler after = before.continuing(new Autoscale(1, 3, RPS_50, Behavior.UP, Behavior.DOWN));
        Decision d = after.decide(10_000, 5, 5, List.of(rps(0)));
        assertThat(d.to()).isEqualTo(3);
        assertThat(d.limitedBy()).isEqualTo("max 3");
    }

    @Test
    void theLargestTargetWins() {
        Decision d = defaults(1, 10).decide(0, 2, 2, List.of(rps(60), inFlight(12)));

        assertThat(d.to()).isEqualTo(6);
        assertThat(d.reason().target()).isEqualTo(Target.IN_FLIGHT);
        assertThat(d.describe("web")).isEqualTo("web: 2 → 6 replicas, 12 requests in flight per replica > 4 target");
    }

    @Test
    void maxAndMinBound() {
        Decision up = defaults(1, 5).decide(0, 2, 2, List.of(rps(500)));
        assertThat(up.to()).isEqualTo(5);
        assertThat(up.limitedBy()).isEqualTo("max 5");
        assertThat(up.describe("web")).endsWith("(20 recommended, limited by max 5)");
        Decision belowMin = defaults(2, 5).decide(0, 1, 1, List.of(rps(50)));
        assertThat(belowMin.to()).isEqualTo(2);
    }

    @Test
    void scaleDownWaitsForTheWholeWindowOfLowerRecommendations() {
        Behavior down = new Behavior(Duration.ofSeconds(10), Step.percent(100), Duration.ofSeconds(15));
        ServiceScaler s = scaler(1, 5, Behavior.UP, down);
        assertThat(s.decide(0, 4, 4, List.of(rps(50))).to()).isEqualTo(4);
        // The load stops: every recommendation of the last 10 s must say 1 before the count falls.
        assertThat(s.decide(1_000, 4, 4, List.of(rps(0))).to()).isEqualTo(4);
        assertThat(s.decide(9_000, 4, 4, List.of(rps(0))).to()).isEqualTo(4);
        assertThat(s.decide(10_500, 4, 4, List.of(rps(0))).to()).isEqualTo(1);
    }

    @Test
    void aShortDipInsideTheWindowStopsNothing() {
        ServiceScaler s = defaults(1, 5);
        s.decide(0, 4, 4, List.of(rps(50)));
        for (long t = 1_000; t < 60_000; t += 1_000) {
            assertThat(s.decide(t, 4, 4, List.of(rps(t % 10_000 == 0 ? 10 : 50))).to()).isEqualTo(4);
        }
    }

    @Test
    void theScaleUpWindowTakesTheLowestRecommendation() {
        Behavior up = new Behavior(Duration.ofSeconds(5), Step.replicas(10), Duration.ofSeconds(15));
        ServiceScaler s = scaler(1, 10, up, Behavior.DOWN);
        assertThat(s.decide(0, 2, 2, List.of(rps(50))).to()).isEqualTo(2);
        assertThat(s.decide(1_000, 2, 2, List.of(rps(200))).to()).isEqualTo(2);
        assertThat(s.decide(6_000, 2, 2, List.of(rps(200))).to()).isEqualTo(8);
    }

    @Test
    void theStepLimitsEachPeriodFromTheCountAtItsStart() {
        Behavior up = new Behavior(Duration.ZERO, Step.replicas(1), Duration.ofSeconds(10));
        ServiceScaler s = scaler(1, 10, up, Behavior.DOWN);
        Decision first = s.decide(0, 1, 1, List.of(rps(400)));
        assertThat(first.to()).isEqualTo(2);
        assertThat(first.limitedBy()).isEqualTo("scaleUp step");
        assertThat(s.decide(5_000, 2, 1, List.of(rps(400))).to()).isEqualTo(2);
        assertThat(s.decide(10_000, 2, 2, List.of(rps(400))).to()).isEqualTo(3);
    }

    @Test
    void theDefaultScaleUpStepIsFourReplicasOrDoubleWhicheverIsMore() {
        assertThat(defaults(1, 100).decide(0, 1, 1, List.of(rps(1000))).to()).isEqualTo(5);
        assertThat(defaults(1, 100).decide(0, 10, 10, List.of(rps(1000))).to()).isEqualTo(20);
    }

    @Test
    void aPercentStepDownKeepsTheRest() {
        Behavior down = new Behavior(Duration.ZERO, Step.percent(50), Duration.ofSeconds(10));
        ServiceScaler s = scaler(1, 10, Behavior.UP, down);
        assertThat(s.decide(0, 8, 8, List.of(rps(0))).to()).isEqualTo(4);
        assertThat(s.decide(5_000, 4, 4, List.of(rps(0))).to()).isEqualTo(4);
        assertThat(s.decide(10_000, 4, 4, List.of(rps(0))).to()).isEqualTo(2);
    }

    @Test
    void withoutMeasuresTheCountIsKept() {
        assertThat(defaults(1, 5).decide(0, 3, 0, List.of()).changes()).isFalse();
    }
}
