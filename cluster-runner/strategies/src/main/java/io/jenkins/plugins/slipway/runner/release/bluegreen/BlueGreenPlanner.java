package io.jenkins.plugins.slipway.runner.release.bluegreen;

import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction;
import io.jenkins.plugins.slipway.runner.release.plan.ReplicaSplit;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides a blue-green release's next action, pure: start the new revision at full scale, wait until every replica
 * is healthy, open the preview, run the pre-promotion analysis, wait for promotion (by hand or after
 * {@code autoPromotionSeconds}), switch, keep the old revision {@code scaleDownDelaySeconds}, stop it.
 * The switch never happens before every new replica is healthy, whoever asks.
 */
public final class BlueGreenPlanner {
    private BlueGreenPlanner() {
    }

    public static ReleaseAction next(BlueGreenContext c) {
        ReleaseSpec.BlueGreen spec = c.spec();
        if (c.switchedAt() != null) {
            return afterSwitch(c);
        }
        if (c.newReplicas() < c.totalReplicas()) {
            return new ReleaseAction.ScaleNew(c.totalReplicas());
        }
        if (c.newReady() < c.totalReplicas()) {
            return new ReleaseAction.Wait(null, "waiting for the new revision: " + c.newReady() + "/"
                    + c.totalReplicas() + " replicas healthy");
        }
        if (c.firstRelease()) {
            return doSwitch(c);
        }
        if (spec.previewPort() != null && !c.previewRouted()) {
            return new ReleaseAction.RoutePreview(spec.previewPort());
        }
        Optional<AnalysisSpec> analysis = spec.prePromotionAnalysis();
        if (analysis.isPresent() && c.promotion() != Promotion.Full) {
            AnalysisState state = c.prePromotionAnalysis();
            switch (state.status()) {
                case NotStarted:
                    return new ReleaseAction.StartAnalysis(analysis.get(), false);
                case Running:
                    return new ReleaseAction.Wait(null, "pre-promotion analysis running: " + analysis.get().describe());
                case Failed:
                    return new ReleaseAction.Rollback("pre-promotion analysis failed: " + state.reason());
                case Inconclusive:
                    return new ReleaseAction.PauseInconclusive("pre-promotion analysis inconclusive: " + state.reason());
                case Successful:
                    break;
            }
        }
        if (c.promotion() != Promotion.None) {
            return doSwitch(c);
        }
        String preview = spec.previewPort() == null ? "" : "; preview on port " + spec.previewPort();
        if (!spec.autoPromotionEnabled()) {
            return c.pauseStartedAt() == null
                    ? new ReleaseAction.StartPause(null)
                    : new ReleaseAction.Wait(null, "new revision ready, waiting to be promoted" + preview);
        }
        if (spec.autoPromotionSeconds() == 0) {
            return doSwitch(c);
        }
        if (c.pauseStartedAt() == null) {
            return new ReleaseAction.StartPause(c.now().plusSeconds(spec.autoPromotionSeconds()));
        }
        Instant at = c.pauseStartedAt().plusSeconds(spec.autoPromotionSeconds());
        return c.now().isBefore(at)
                ? new ReleaseAction.Wait(at, "new revision ready, switching at " + at + " unless aborted" + preview)
                : doSwitch(c);
    }

    private static ReleaseAction doSwitch(BlueGreenContext c) {
        return new ReleaseAction.Switch(c.now().plusSeconds(c.spec().scaleDownDelaySeconds()));
    }

    private static ReleaseAction afterSwitch(BlueGreenContext c) {
        if (c.oldScaledDown() || c.firstRelease()) {
            return new ReleaseAction.Complete(new ReplicaSplit(c.totalReplicas(), 0));
        }
        Instant at = c.switchedAt().plusSeconds(c.spec().scaleDownDelaySeconds());
        return c.now().isBefore(at)
                ? new ReleaseAction.Wait(at, "switched; the old revision keeps running until " + at
                        + " so that an abort switches back at once")
                : new ReleaseAction.ScaleDownOld();
    }
}
