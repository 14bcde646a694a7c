package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackendChooserTest {
    record C(boolean available, boolean ejected, int load) implements BackendChooser.Candidate {
        C(boolean available, int load) {
            this(available, false, load);
        }

        @Override
        public int load(int lane) {
            return load;
        }
    }

    static final C UP_IDLE = new C(true, 0);
    static final C UP_BUSY = new C(true, 3);
    static final C UP_BUSIER = new C(true, 7);
    static final C DOWN = new C(false, 0);
    static final C EJECTED = new C(false, true, 0);

    static Stream<Arguments> cases() {
        return Stream.of(
                // candidates, rotation start, excluded, expected index
                Arguments.of(new C[0], 0L, null, -1),
                Arguments.of(new C[] {DOWN, DOWN}, 0L, null, -1),
                Arguments.of(new C[] {UP_IDLE}, 5L, null, 0),
                Arguments.of(new C[] {UP_IDLE, new C(true, 0)}, 0L, null, 0),
                Arguments.of(new C[] {UP_IDLE, new C(true, 0)}, 1L, null, 1),
                Arguments.of(new C[] {UP_IDLE, new C(true, 0)}, 2L, null, 0),
                Arguments.of(new C[] {UP_BUSY, UP_IDLE, UP_BUSIER}, 0L, null, 1),
                Arguments.of(new C[] {UP_BUSIER, UP_BUSY}, 0L, null, 1),
                Arguments.of(new C[] {DOWN, UP_BUSIER}, 0L, null, 1),
                Arguments.of(new C[] {UP_IDLE, UP_BUSY}, 0L, new Object[] {UP_IDLE}, 1),
                Arguments.of(new C[] {UP_IDLE, DOWN}, 0L, new Object[] {UP_IDLE, null}, -1),
                Arguments.of(new C[] {UP_IDLE, new C(true, 0), new C(true, 0)}, -1L, null, 2));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void choosesTheLeastLoadedAvailableBackendFromTheRotation(C[] candidates, long start, Object[] excluded,
                                                              int expected) {
        assertThat(BackendChooser.choose(candidates, start, excluded, 0, false)).isEqualTo(expected);
    }

    static Stream<Arguments> panicCases() {
        return Stream.of(
                // candidates, excluded, expected index: unhealthy backends count, ejected ones and tried ones do not
                Arguments.of(new C[] {DOWN, DOWN}, null, 0),
                Arguments.of(new C[] {EJECTED, DOWN}, null, 1),
                Arguments.of(new C[] {EJECTED, EJECTED}, null, -1),
                Arguments.of(new C[] {DOWN, UP_BUSY}, null, 0),
                Arguments.of(new C[] {DOWN, UP_IDLE}, new Object[] {DOWN}, 1));
    }

    @ParameterizedTest
    @MethodSource("panicCases")
    void inPanicEveryBackendNotEjectedIsEligible(C[] candidates, Object[] excluded, int expected) {
        assertThat(BackendChooser.choose(candidates, 0, excluded, 0, true)).isEqualTo(expected);
    }
}
