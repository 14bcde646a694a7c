package io.jenkins.plugins.slipway.runner.release.plan;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.client.Phase;
import java.util.Objects;

/**
 * The little of a release that decides which commands apply.
 *
 * @param strategy    {@code rolling}, {@code canary} or {@code blueGreen}
 * @param pauseReason why it is Paused; null unless the phase is Paused
 * @param rollingBack true while traffic returns to stable (after a failed analysis, an unhealthy revision or an
 *                    abort) and before the terminal phase is reached
 */
public record ReleaseState(String strategy, Phase phase, @CheckForNull PauseReason pauseReason, boolean rollingBack) {
    public ReleaseState {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(phase, "phase");
        if (phase == Phase.Paused && pauseReason == null) {
            throw new IllegalArgumentException("a paused release needs a pause reason");
        }
    }
}
