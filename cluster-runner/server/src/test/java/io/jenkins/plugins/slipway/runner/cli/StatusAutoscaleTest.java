package io.jenkins.plugins.slipway.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autoscaler's line of {@code status}. */
class StatusAutoscaleTest {
    @Test
    void theFiguresStandBesideTheTargets() {
        Map<String, Double> targets = new LinkedHashMap<>();
        targets.put("requestsPerSecond", 50.0);
        targets.put("inFlight", 8.0);
        AppStatus.Autoscaling a = new AppStatus.Autoscaling(1, 5, 1, 3, Map.of("requestsPerSecond", 142.0,
                "inFlight", 2.5), targets, null);

        assertThat(StatusCommand.autoscale(a)).isEqualTo("autoscale 1..5: 1 -> 3, requestsPerSecond 142.0 per replica"
                + " (target 50.0), inFlight 2.5 per replica (target 8.0)");
    }

    @Test
    void beforeItsFirstPassItSaysSo() {
        AppStatus.Autoscaling a = new AppStatus.Autoscaling(2, 4, -1, -1, Map.of(), Map.of("inFlight", 8.0),
                "release shop-5-9c1e is Progressing");

        assertThat(StatusCommand.autoscale(a)).isEqualTo("autoscale 2..4, inFlight not measured yet (target 8.0);"
                + " held: release shop-5-9c1e is Progressing");
    }
}
