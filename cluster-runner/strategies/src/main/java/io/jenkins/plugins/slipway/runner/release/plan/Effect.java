package io.jenkins.plugins.slipway.runner.release.plan;

/** What the controller does to carry out an allowed command or an analysis verdict. */
public enum Effect {
    /**
     * End the current step: cancel its analysis if one runs, clear its pause; step index + 1. A background analysis
     * that ended Inconclusive (the reason for the pause being promoted) starts again.
     */
    SkipStep,
    /** Jump past the last step (canary) or switch now (blue-green): the next pass completes the release. */
    SkipAllSteps,
    /** Traffic back to stable first, then remove the new replicas; cancel analyses. */
    RollBack,
    /** Stop passing until resumed; analyses keep running. */
    Hold,
    /** Pass again from where the release stands. */
    Continue,
    /** Start again the analysis that was inconclusive (its state back to NotStarted), then pass again. */
    RetryAnalysis
}
