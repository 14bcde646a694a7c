package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WeightScheduleTest {

    static Stream<Arguments> splits() {
        return Stream.of(
                // weights, longest run of one revision allowed in the schedule
                Arguments.of(new int[] {25, 75}, 3),
                Arguments.of(new int[] {50, 50}, 1),
                Arguments.of(new int[] {75, 25}, 3),
                Arguments.of(new int[] {0, 100}, 100),
                Arguments.of(new int[] {100}, 100),
                Arguments.of(new int[] {1, 99}, 99),
                Arguments.of(new int[] {33, 33, 34}, 1),
                Arguments.of(new int[] {10, 0, 90}, 9));
    }

    @ParameterizedTest
    @MethodSource("splits")
    void everyHundredSlotsSplitExactlyByWeight(int[] weights, int longestRun) {
        int[] slots = WeightSchedule.build(weights);

        assertThat(slots).hasSize(Arrays.stream(weights).sum());
        int[] counts = new int[weights.length];
        for (int s : slots) {
            counts[s]++;
        }
        assertThat(counts).containsExactly(weights);
        assertThat(longestRun(slots)).isLessThanOrEqualTo(longestRun);
    }

    @Test
    void noWeightGivesNoSlot() {
        assertThat(WeightSchedule.build(new int[] {0, 0})).isEmpty();
        assertThat(WeightSchedule.build(new int[0])).isEmpty();
    }

    @Test
    void negativeWeightIsRefused() {
        assertThatThrownBy(() -> WeightSchedule.build(new int[] {-1, 101}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    private static int longestRun(int[] slots) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < slots.length; i++) {
            run = i > 0 && slots[i] == slots[i - 1] ? run + 1 : 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
