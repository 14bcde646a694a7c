package io.jenkins.plugins.slipway.runner.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProbeHysteresisTest {

    /** Probe results in order (+ succeeded, - failed) and the verdict after the last one. */
    @ParameterizedTest(name = "{0}: ready {1}, served before {2}")
    @CsvSource({
            "-,       false, false",  // never answered yet: still starting
            "---,     false, false",
            "+,       true,  true",
            "+-,      true,  true",   // one slow probe on a busy machine changes nothing
            "+--,     true,  true",
            "+---,    false, true",   // the third in a row does: unready, but worth keeping in the route
            "+---+,   true,  true",   // one success brings it back
            "+--+--,  true,  true",   // failures must be in a row
            "+--+---, false, true"})
    void readyAfterOneSuccessUnreadyAfterThreeFailuresInARow(String results, boolean ready, boolean servedBefore) {
        ProbeHysteresis h = new ProbeHysteresis();
        ProbeHysteresis.Result last = null;
        for (char c : results.toCharArray()) {
            last = h.observe("c1", c == '+');
        }
        assertThat(last.ready()).isEqualTo(ready);
        assertThat(last.servedBefore()).isEqualTo(servedBefore);
    }

    @Test
    void replicasAreCountedApartAndForgottenWhenGone() {
        ProbeHysteresis h = new ProbeHysteresis();
        h.observe("a", true);
        h.observe("b", false);
        assertThat(h.observe("a", false).ready()).isTrue();
        assertThat(h.observe("b", false).failures()).isEqualTo(2);

        h.retainOnly(Set.of("b"));
        assertThat(h.observe("a", false).servedBefore()).isFalse();
        assertThat(h.observe("b", false).failures()).isEqualTo(3);
    }

    @Test
    void anEngineVerdictIsTakenAsItIsButRemembersThatTheReplicaServed() {
        ProbeHysteresis h = new ProbeHysteresis();
        assertThat(h.record("c1", false)).isEqualTo(new ProbeHysteresis.Result(false, false, 1));
        assertThat(h.record("c1", true)).isEqualTo(new ProbeHysteresis.Result(true, true, 0));
        assertThat(h.record("c1", false)).isEqualTo(new ProbeHysteresis.Result(false, true, 1));
    }
}
