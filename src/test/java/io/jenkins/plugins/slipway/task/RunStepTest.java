package io.jenkins.plugins.slipway.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunStepTest {
    @Test
    void imageIsRequired() {
        assertThatThrownBy(() -> new RunStep(" ")).hasMessage("slipwayRun: image is required");
    }

    @Test
    void envEntriesBecomeVariablesAndALaterEntryOfTheSameNameWins() {
        RunStep step = new RunStep("img");
        step.setEnv(List.of("A=1", "B=x=y", "A=2", "EMPTY="));
        assertThat(step.environment()).containsExactly(
                java.util.Map.entry("A", "2"), java.util.Map.entry("B", "x=y"), java.util.Map.entry("EMPTY", ""));
    }

    @Test
    void aMalformedEnvEntryIsRefusedNamingItsNameNeverItsValue() {
        RunStep step = new RunStep("img");
        assertThatThrownBy(() -> step.setEnv(List.of("1PASSWORD=hunter2")))
                .hasMessageContaining("'1PASSWORD'").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> step.setEnv(List.of("=hunter2")))
                .hasMessageNotContaining("hunter2");
        assertThat(step.getEnv()).isEmpty();
    }

    @Test
    void timeoutIsBetweenOneMinuteAndADay() {
        RunStep step = new RunStep("img");
        assertThat(step.getTimeout()).isEqualTo(60);
        assertThatThrownBy(() -> step.setTimeout(0)).hasMessageContaining("between 1 and 1440");
        assertThatThrownBy(() -> step.setTimeout(1441)).hasMessageContaining("got 1441");
        step.setTimeout(1440);
        assertThat(step.getTimeout()).isEqualTo(1440);
    }
}
