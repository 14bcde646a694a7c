package io.jenkins.plugins.slipway.runner.release.plan;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.client.Phase;
import java.util.Objects;

/** The answer to a command or a verdict: what to do and the phase it leads to, or why it does not apply. */
public sealed interface Transition {

    /**
     * The command applies.
     *
     * @param effect      what the controller does
     * @param phase       the phase to show once the effect is under way (for a rollback: the terminal phase to reach
     *                    when it is done; meanwhile the release keeps its phase with {@code rollingBack})
     * @param pauseReason the reason when {@code phase} is Paused; null otherwise
     */
    record Allowed(Effect effect, Phase phase, @CheckForNull PauseReason pauseReason, String message)
            implements Transition {
        public Allowed {
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The command does not apply now: HTTP 409 with {@code reason}, nothing changes. */
    record NotApplicable(String reason) implements Transition {
        public NotApplicable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
