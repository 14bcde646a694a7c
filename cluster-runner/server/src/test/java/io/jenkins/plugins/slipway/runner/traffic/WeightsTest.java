package io.jenkins.plugins.slipway.runner.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeightsTest {

    @ParameterizedTest(name = "{0} old / {1} new -> {2}% / {3}%")
    @CsvSource({"3,0,100,0", "2,1,67,33", "1,2,33,67", "0,3,0,100", "1,1,50,50", "2,5,29,71", "0,1,0,100"})
    void proportionalToReplicaCounts(int old, int neu, int oldPct, int newPct) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        counts.put(4, old);
        counts.put(5, neu);
        Map<Integer, Integer> w = Weights.proportional(counts);
        assertThat(w).containsEntry(4, oldPct).containsEntry(5, newPct);
        assertThat(w.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    }

    @Test
    void threeWaysSumToExactlyHundred() {
        Map<String, Integer> w = Weights.proportional(Map.of("a", 1, "b", 1, "c", 1));
        assertThat(w.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(w.values()).allMatch(v -> v == 33 || v == 34);
    }

    @Test
    void nothingGivesEmpty() {
        assertThat(Weights.proportional(Map.of(1, 0))).isEmpty();
        assertThat(Weights.describe(Map.of())).isEqualTo("no revision");
        assertThat(Weights.describe(Map.of(5, 100, 4, 0))).isEqualTo("rev 4 0% / rev 5 100%");
    }
}
