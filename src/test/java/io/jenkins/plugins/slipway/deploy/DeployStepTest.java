package io.jenkins.plugins.slipway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeployStepTest {

    @Test
    void defaultsAreWhatTheReferenceSays() {
        DeployStep step = new DeployStep(" shop ");
        assertThat(step.getApp()).isEqualTo("shop");
        assertThat(step.getCompose()).isEqualTo("compose.yml");
        assertThat(step.getRunner()).isNull();
        assertThat(step.getWait()).isEqualTo("completion");
        assertThat(step.getTimeout()).isEqualTo(30);
        assertThat(step.getImages()).isEmpty();
    }

    @Test
    void emptyStringsMeanTheDefault() {
        DeployStep step = new DeployStep("shop");
        step.setRunner(" ");
        step.setCompose("");
        step.setWait("");
        assertThat(step.getRunner()).isNull();
        assertThat(step.getCompose()).isEqualTo("compose.yml");
        assertThat(step.getWait()).isEqualTo("completion");
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> new DeployStep(" ")).hasMessage("slipwayDeploy: app is required");
        DeployStep step = new DeployStep("shop");
        assertThatThrownBy(() -> step.setWait("forever"))
                .hasMessage("slipwayDeploy: wait must be 'completion', 'pause' or 'none', got 'forever'");
        assertThatThrownBy(() -> step.setTimeout(0))
                .hasMessage("slipwayDeploy: timeout must be at least 1 minute, got 0");
    }

    /** A GString (here any CharSequence) as a Groovy map value arrives as itself: the step keeps its text. */
    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void imageReferencesAreKeptAsText() {
        Map groovy = new java.util.LinkedHashMap();
        groovy.put("web", new StringBuilder("127.0.0.1:5000/shop@sha256:").append("ab".repeat(32)));
        DeployStep step = new DeployStep("shop");
        step.setImages(groovy);
        assertThat(step.getImages()).containsEntry("web", "127.0.0.1:5000/shop@sha256:" + "ab".repeat(32));
    }

    @ParameterizedTest
    @CsvSource({"completion,COMPLETION", "PAUSE,PAUSE", " none ,NONE"})
    void waitModesParseWhateverTheCase(String value, WaitMode expected) {
        assertThat(WaitMode.parse(value)).isEqualTo(expected);
    }

    @Test
    void aLogLineNamesTimeAppRevisionTypeAndMessage() {
        ReleaseEvent event = new ReleaseEvent(4, "TrafficShifted", "shop-5-ab", "shop", "2026-11-22T12:00:03Z",
                Phase.Progressing, "traffic web: rev 4 75% / rev 5 25%", Map.of());
        assertThat(ReleaseLog.line(event, 5))
                .isEqualTo("[slipway] 12:00:03 shop#5 TrafficShifted traffic web: rev 4 75% / rev 5 25%");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ReleasePaused | true  |      | true",
            "ReleasePaused | false |      | false",
            "ReleasePaused |       | 30   | false",
            "ReleasePaused |       |      | true",
            "StepStarted   | true  |      | false"})
    void onlyAPauseWithoutADurationWaitsForAPerson(String type, Boolean indefinite, Integer seconds, boolean expected) {
        Map<String, Object> data = new java.util.HashMap<>();
        if (indefinite != null) {
            data.put("indefinite", indefinite);
        }
        if (seconds != null) {
            data.put("durationSeconds", seconds);
        }
        ReleaseEvent event = new ReleaseEvent(1, type, "r", "a", null, Phase.Paused, "m", data);
        assertThat(ReleaseLog.isIndefinitePause(event)).isEqualTo(expected);
    }
}
