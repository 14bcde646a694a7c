package io.jenkins.plugins.slipway.runner.release.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S,500ms", "30s,PT30S,30s", "2m,PT2M,2m", "1h,PT1H,1h", "1m30s,PT1M30S,1m30s",
            "45,PT45S,45s", "90s,PT1M30S,1m30s", "1s250ms,PT1.25S,1s250ms", "1.5s,PT1.5S,1s500ms",
            "2500us,PT0.0025S,2ms"})
    void parsesAndFormats(String text, String iso, String formatted) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(formatted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "10 s", "1.s", ".5s", "-3s", "10d", "soon"})
    void refusesWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a duration such as 500ms, 30s, 2m or 1h");
    }
}
