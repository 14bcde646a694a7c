package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.RestartPolicy;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.RestartPolicy.Condition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    private static RestartPolicy policy(int maxAttempts, Duration window) {
        return new RestartPolicy(Condition.ANY, Duration.ofSeconds(1), maxAttempts, window);
    }

    @Test
    void withoutAWindowAttemptsAreNeverGivenBack() {
        RestartPolicy p = policy(3, Duration.ZERO);
        assertThat(p.attemptsAfter(2, Duration.ofDays(30))).isEqualTo(2);
        assertThat(p.replaces(0, p.attemptsAfter(3, Duration.ofDays(30)))).isFalse();
    }

    @Test
    void aReplacementUpLongerThanTheWindowGivesTheAttemptsBack() {
        RestartPolicy p = policy(3, Duration.ofSeconds(10));
        assertThat(p.attemptsAfter(3, Duration.ofMillis(10_001))).isZero();
        assertThat(p.replaces(1, p.attemptsAfter(3, Duration.ofMillis(10_001)))).isTrue();
    }

    @Test
    void aReplacementUpNoLongerThanTheWindowKeepsThemCounted() {
        RestartPolicy p = policy(3, Duration.ofSeconds(10));
        assertThat(p.attemptsAfter(3, Duration.ofSeconds(10))).isEqualTo(3);
        assertThat(p.attemptsAfter(1, Duration.ofMillis(200))).isEqualTo(1);
        assertThat(p.replaces(1, p.attemptsAfter(3, Duration.ofSeconds(10)))).isFalse();
        assertThat(p.replaces(1, p.attemptsAfter(2, Duration.ofSeconds(1)))).isTrue();
    }

    @Test
    void theWindowAlsoAppliesWithUnlimitedAttempts() {
        RestartPolicy p = policy(0, Duration.ofSeconds(5));
        assertThat(p.attemptsAfter(40, Duration.ofSeconds(6))).isZero();
        assertThat(p.replaces(1, 40)).isTrue();
    }

    @Test
    void conditionStillDecides() {
        RestartPolicy onFailure = new RestartPolicy(Condition.ON_FAILURE, Duration.ZERO, 2, Duration.ofSeconds(5));
        assertThat(onFailure.replaces(0, 0)).isFalse();
        assertThat(onFailure.replaces(137, 1)).isTrue();
        assertThat(onFailure.replaces(137, 2)).isFalse();
    }
}
