package io.jenkins.plugins.slipway.runner.release.bluegreen;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Instant;
import java.util.Objects;

/**
 * What one pass of a blue-green release knows.
 *
 * @param spec                 the blue-green spec as the user wrote it
 * @param totalReplicas        the service's desired replicas; the new revision starts at this full scale
 * @param firstRelease         true when there is no old revision: the switch happens as soon as the new one is healthy
 * @param newReplicas          replicas of the new revision started so far
 * @param newReady             of which healthy
 * @param previewRouted        the preview port already routes to the new revision
 * @param prePromotionAnalysis the run of {@code prePromotionAnalysis}
 * @param pauseStartedAt       when the wait for promotion began; null until its {@code StartPause} was performed
 * @param promotion            whether a person promoted the release
 * @param switchedAt           when the route switched to the new revision; null before
 * @param oldScaledDown        the old revision's replicas are stopped
 * @param now                  the time of this pass
 */
public record BlueGreenContext(ReleaseSpec.BlueGreen spec, int totalReplicas, boolean firstRelease, int newReplicas,
                               int newReady, boolean previewRouted, AnalysisState prePromotionAnalysis,
                               @CheckForNull Instant pauseStartedAt, Promotion promotion,
                               @CheckForNull Instant switchedAt, boolean oldScaledDown, Instant now) {
    public BlueGreenContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(prePromotionAnalysis, "prePromotionAnalysis");
        Objects.requireNonNull(promotion, "promotion");
        Objects.requireNonNull(now, "now");
    }

    /** The context at the start of a release. */
    public static BlueGreenContext start(ReleaseSpec.BlueGreen spec, int totalReplicas, boolean firstRelease,
                                         Instant now) {
        return new BlueGreenContext(spec, totalReplicas, firstRelease, 0, 0, false, AnalysisState.NOT_STARTED, null,
                Promotion.None, null, false, now);
    }
}
