package io.jenkins.plugins.slipway.runner.release.canary;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Instant;
import java.util.Objects;

/**
 * What one pass of a canary release knows (Argo Rollouts' per-pass context). The controller builds it from its
 * saved release state, asks {@link CanaryPlanner#next}, performs the answer and saves the new state.
 *
 * @param spec               the canary as the user wrote it
 * @param totalReplicas      the service's desired replicas ({@code deploy.replicas})
 * @param firstRelease       true when there is no stable revision to compare with: the release completes at once
 * @param stepIndex          0-based index of the step being run; {@code spec.steps().size()} once all are done
 * @param weight             percent of traffic the new revision has now
 * @param scale              the {@code setCanaryScale} in force; null when replicas follow the weight
 * @param pauseStartedAt     when the current pause step began; null until its {@code StartPause} was performed
 * @param stepAnalysis       the run of the current {@code analysis} step
 * @param backgroundAnalysis the run of the canary-level {@code analysis}
 * @param now                the time of this pass
 */
public record CanaryContext(ReleaseSpec.Canary spec, int totalReplicas, boolean firstRelease, int stepIndex,
                            int weight, @CheckForNull CanaryStep.SetCanaryScale scale,
                            @CheckForNull Instant pauseStartedAt, AnalysisState stepAnalysis,
                            AnalysisState backgroundAnalysis, Instant now) {
    public CanaryContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stepAnalysis, "stepAnalysis");
        Objects.requireNonNull(backgroundAnalysis, "backgroundAnalysis");
        Objects.requireNonNull(now, "now");
        if (stepIndex < 0 || stepIndex > spec.steps().size()) {
            throw new IllegalArgumentException("step index " + stepIndex + " outside 0.." + spec.steps().size());
        }
    }

    /** The context at the start of a release. */
    public static CanaryContext start(ReleaseSpec.Canary spec, int totalReplicas, boolean firstRelease, Instant now) {
        return new CanaryContext(spec, totalReplicas, firstRelease, 0, 0, null, null, AnalysisState.NOT_STARTED,
                AnalysisState.NOT_STARTED, now);
    }

    /** "step 3/6" for messages. */
    String stepLabel() {
        return "step " + (stepIndex + 1) + "/" + spec.steps().size();
    }
}
