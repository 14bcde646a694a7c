package io.jenkins.plugins.slipway.runner.release.plan;

/** Why a release is in phase Paused: it decides what {@link Command#Resume} means. */
public enum PauseReason {
    /** A {@code pause} step (timed or indefinite), or a blue-green release waiting for promotion. */
    Step,
    /** Paused by hand. */
    User,
    /** An analysis could not judge (too little traffic); resume re-runs it. */
    Inconclusive,
    /**
     * New replicas were not healthy in time and {@code update_config.failure_action} is {@code pause} (a rolling
     * release); resume waits for them again.
     */
    Unhealthy
}
