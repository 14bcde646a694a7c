package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.List;

/**
 * How a release moves an app from one revision to the next. A strategy is a straight list of reconcile steps
 * run once per pass; each may return early (waiting for health, a drain, a pause), and the controller saves
 * the status once at the end of the pass. Its progress lives in {@link ReleaseContext#state()} so a restarted
 * runner resumes where it was. Rolling is here; canary and blue-green plug in as siblings.
 */
public interface Strategy {

    /** The {@code strategy} value reported in the release status. */
    String name();

    /**
     * Plans a new release: its initial {@link ReleaseContext#state()} and its number of steps.
     *
     * @param changes the services the revision changes, adds or removes
     * @param current the app's replica sets before the release (what a rollback restores)
     */
    Start begin(List<ServiceChange> changes, List<ReplicaSet> current);

    /** A planned release. */
    record Start(ReleaseProgress progress, int stepCount) {
    }

    /** One pass: look at what is observed, decide, record events; never blocks. */
    void reconcile(ReleaseContext ctx);

    /**
     * Why a paused release of this strategy whose status names no reason is paused (statuses saved before
     * the reason was).
     */
    default PauseReason pauseReasonOf(ReleaseProgress progress) {
        return PauseReason.Step;
    }
}
