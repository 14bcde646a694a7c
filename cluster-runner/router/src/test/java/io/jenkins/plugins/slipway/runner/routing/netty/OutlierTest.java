package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.routing.OutlierDetection;
import io.jenkins.plugins.slipway.runner.routing.netty.Outlier.Failure;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-backend state machine, with time passed in: hysteresis, ejection budget, growing ejection time. */
class OutlierTest {
    private static final long S = 1_000_000_000L;
    /** 3 failures in a row, 1 s out growing to 4 s, half a revision at most. */
    private static final OutlierDetection RULES = new OutlierDetection(3, Duration.ofSeconds(1), Duration.ofSeconds(4),
            50, 50);

    static Stream<Arguments> sequences() {
        return Stream.of(
                // failures in order, ejected siblings, siblings, ejected after the last one
                Arguments.of(new Failure[] {Failure.REFUSED}, 0, 2, true),
                Arguments.of(new Failure[] {Failure.REFUSED}, 1, 2, false),   // the other half is out already
                Arguments.of(new Failure[] {Failure.REFUSED}, 0, 1, true),    // a lone backend may go: panic decides
                Arguments.of(new Failure[] {Failure.RESET}, 0, 2, false),
                Arguments.of(new Failure[] {Failure.RESET, Failure.TIMEOUT}, 0, 2, false),
                Arguments.of(new Failure[] {Failure.RESET, Failure.TIMEOUT, Failure.CONNECT_TIMEOUT}, 0, 2, true),
                Arguments.of(new Failure[] {Failure.TIMEOUT, Failure.TIMEOUT, Failure.TIMEOUT}, 1, 2, false),
                Arguments.of(new Failure[] {Failure.TIMEOUT, Failure.TIMEOUT, Failure.TIMEOUT}, 1, 4, true));
    }

    @ParameterizedTest
    @MethodSource("sequences")
    void refusedEjectsAtOnceOtherFailuresAfterSeveralInARowWithinTheBudget(Failure[] failures, int ejectedSiblings,
                                                                          int siblings, boolean ejected) {
        Outlier o = new Outlier(RULES);
        for (Failure f : failures) {
            o.failed(f, 0, ejectedSiblings, siblings);
        }
        assertThat(o.ejected()).isEqualTo(ejected);
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        Outlier o = new Outlier(RULES);
        o.failed(Failure.TIMEOUT, 0, 0, 2);
        o.failed(Failure.TIMEOUT, 0, 0, 2);
        o.succeeded();
        o.failed(Failure.TIMEOUT, 0, 0, 2);
        o.failed(Failure.TIMEOUT, 0, 0, 2);
        assertThat(o.ejected()).isFalse();
        assertThat(o.failed(Failure.TIMEOUT, 0, 0, 2)).isTrue();
    }

    @Test
    void ejectionTimeGrowsWithRepeatedEjectionsAndIsForgottenAfterALongGoodRun() {
        Outlier o = new Outlier(RULES);
        long now = 0;
        long[] expected = {1, 2, 3, 4, 4};
        for (long seconds : expected) {
            assertThat(o.failed(Failure.REFUSED, now, 0, 2)).isTrue();
            assertThat(o.remainingNanos(now)).isEqualTo(seconds * S);
            assertThat(o.failed(Failure.REFUSED, now, 0, 2)).as("already out").isFalse();
            now += seconds * S;
            assertThat(o.remainingNanos(now)).isZero();
            o.returned(now);
            assertThat(o.ejected()).isFalse();
            now += S; // back for a second only: the next ejection lasts longer
        }
        now += 5 * S; // longer than the longest ejection without one
        assertThat(o.failed(Failure.REFUSED, now, 0, 2)).isTrue();
        assertThat(o.remainingNanos(now)).isEqualTo(S);
    }
}
