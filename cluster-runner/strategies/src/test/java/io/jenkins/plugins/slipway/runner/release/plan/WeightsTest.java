package io.jenkins.plugins.slipway.runner.release.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightsTest {

    @ParameterizedTest(name = "{0}% of {1} -> {2}")
    @CsvSource({
            "0,   3,  0",
            "1,   3,  1",   // rounds up: a weight above 0 never has 0 replicas
            "10,  3,  1",
            "25,  4,  1",
            "26,  4,  2",
            "33,  3,  1",
            "34,  3,  2",
            "50,  3,  2",
            "50,  10, 5",
            "99,  10, 10",
            "100, 3,  3",
            "100, 1,  1",
            "1,   1,  1",
            "50,  0,  0",   // a service scaled to 0 has nothing to split
            "0,   0,  0",
            "5,   200, 10"})
    void canaryReplicas(int weight, int total, int expected) {
        assertThat(Weights.canaryReplicas(weight, total)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "total {0}, weight {1}, scale {2}/{3}/{4} -> {5} canary, {6} stable")
    @CsvSource(nullValues = "-", value = {
            "4, 25, -, -, false, 1, 4",   // no scale in force: follow the weight
            "4, 25, -, -, true,  1, 4",   // matchTrafficWeight: follow the weight
            "4, 25, 3, -, false, 3, 4",   // replicas: 3
            "4, 0,  1, -, false, 1, 4",   // replicas: 1 at weight 0 (reach it with a match rule)
            "4, 25, 0, -, false, 1, 4",   // replicas: 0 while traffic is sent: raised to 1
            "4, 0,  0, -, false, 0, 4",
            "4, 25, 9, -, false, 4, 4",   // never more than the service's replicas
            "4, 10, -, 50, false, 2, 4",  // weight: 50 of 4
            "4, 10, -, 0, false, 1, 4",   // weight: 0 while traffic is sent: raised to 1
            "0, 10, 2, -, false, 0, 0"})
    void split(int total, int weight, Integer replicas, Integer scaleWeight, boolean match, int canary, int stable) {
        CanaryStep.SetCanaryScale scale = replicas == null && scaleWeight == null && !match ? null
                : new CanaryStep.SetCanaryScale(replicas, scaleWeight, match);
        assertThat(Weights.split(total, weight, scale)).isEqualTo(new ReplicaSplit(canary, stable));
    }

    @Test
    void routeWeights() {
        assertThat(Weights.routeWeights("3", "4", 25)).isEqualTo(Map.of("3", 75, "4", 25));
        assertThat(Weights.routeWeights("3", "4", 0)).isEqualTo(Map.of("3", 100, "4", 0));
        assertThat(Weights.routeWeights("3", "4", 100)).isEqualTo(Map.of("3", 0, "4", 100));
        assertThat(Weights.routeWeights(null, "1", 10)).isEqualTo(Map.of("1", 100));
        assertThatThrownBy(() -> Weights.routeWeights("4", "4", 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Weights.routeWeights("3", "4", 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Weights.canaryReplicas(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
