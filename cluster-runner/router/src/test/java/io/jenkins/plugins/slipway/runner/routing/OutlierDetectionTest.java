package io.jenkins.plugins.slipway.runner.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutlierDetectionTest {
    private static final OutlierDetection RULES = OutlierDetection.defaults();

    @ParameterizedTest(name = "{0} backends at {1}%: at most {2} ejected")
    @CsvSource({
            "0, 50, 0",
            "1, 50, 1",   // at least one may be ejected: a lone refusing replica is out, panic decides the rest
            "2, 50, 1",
            "3, 50, 1",
            "4, 50, 2",
            "10, 50, 5",
            "10, 10, 1",
            "10, 0, 0",
            "3, 100, 3"})
    void maxEjectedIsABoundedShareButAtLeastOne(int total, int percent, int expected) {
        OutlierDetection rules = new OutlierDetection(5, Duration.ofSeconds(1), Duration.ofSeconds(30), percent, 50);
        assertThat(rules.maxEjected(total)).isEqualTo(expected);
        assertThat(rules.mayEject(expected, total)).isFalse();
        if (expected > 0) {
            assertThat(rules.mayEject(expected - 1, total)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} of {1} healthy: panic {2}")
    @CsvSource({
            "0, 0, false",  // nothing at all to route to is not panic, it is an empty route
            "0, 1, true",
            "1, 1, false",
            "0, 2, true",
            "1, 2, false",  // exactly the threshold: the healthy half takes the traffic
            "1, 3, true",
            "2, 3, false",
            "2, 5, true",
            "3, 5, false"})
    void panicBelowHalfHealthy(int healthy, int total, boolean panic) {
        assertThat(RULES.inPanic(healthy, total)).isEqualTo(panic);
    }

    @ParameterizedTest(name = "ejection #{0}: {1} s out")
    @CsvSource({"1, 1", "2, 2", "5, 5", "30, 30", "31, 30", "1000, 30"})
    void ejectionTimeGrowsWithEachEjectionUpToTheMaximum(int ejections, int seconds) {
        assertThat(RULES.ejectionTime(ejections)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @CsvSource({"0, 50, 50", "5, 101, 50", "5, 50, -1"})
    void badRulesAreRefusedWithTheirName(int consecutive, int maxPercent, int panicPercent) {
        assertThatThrownBy(() -> new OutlierDetection(consecutive, Duration.ofSeconds(1), Duration.ofSeconds(30),
                maxPercent, panicPercent)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching(".*(consecutiveFailures|maxEjectionPercent).*");
    }
}
