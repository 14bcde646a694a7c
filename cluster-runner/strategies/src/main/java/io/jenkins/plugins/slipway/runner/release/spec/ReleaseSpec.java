package io.jenkins.plugins.slipway.runner.release.spec;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one service's new revision replaces the running one: {@code services.<svc>.x-slipway.release}.
 * Immutable; built by {@link ReleaseSpecParser}, which fills every default so that readers never guess.
 */
public sealed interface ReleaseSpec permits ReleaseSpec.Rolling, ReleaseSpec.Canary, ReleaseSpec.BlueGreen {

    /** The {@code strategy:} value as written in the spec and reported in release status. */
    String strategy();

    /** The strategy names, the only place they are spelled: {@code rolling}, {@code canary}, {@code blueGreen}. */
    String ROLLING = "rolling";
    String CANARY = "canary";
    String BLUE_GREEN = "blueGreen";
    java.util.Set<String> STRATEGIES = java.util.Set.of(ROLLING, CANARY, BLUE_GREEN);

    /** Whether a release of {@code strategy} has steps a person can promote or pause (rolling has not). */
    static boolean hasSteps(String strategy) {
        return !ROLLING.equals(strategy);
    }

    /** The default: replace replicas, start-first unless {@code deploy.update_config.order: stop-first}. */
    record Rolling() implements ReleaseSpec {
        @Override
        public String strategy() {
            return ROLLING;
        }
    }

    /**
     * A slice of traffic goes to the new revision, step by step.
     *
     * @param steps    run in order; when the last one is done the new revision gets 100% and the release succeeds
     * @param analysis background analysis running across all steps (from the first step to the end); empty when none
     * @param match    requests matching any rule go to the new revision whatever the weight
     * @param sticky   a client keeps the revision it was first sent to while that revision has weight > 0
     */
    record Canary(List<CanaryStep> steps, Optional<AnalysisSpec> analysis, List<MatchCondition> match,
                  boolean sticky) implements ReleaseSpec {
        public Canary {
            steps = List.copyOf(steps);
            Objects.requireNonNull(analysis, "analysis");
            match = List.copyOf(match);
        }

        @Override
        public String strategy() {
            return CANARY;
        }

        /** The router rules sending matching requests to {@code canaryRevision}, in the order written. */
        public List<MatchRule> matchRules(String canaryRevision) {
            return match.stream().map(m -> m.toRule(canaryRevision)).toList();
        }
    }

    /**
     * The new revision starts at full scale beside the old one, reachable on a preview port; the switch of the
     * route to it is atomic.
     *
     * @param previewPort           router port serving the new revision before the switch; null for no preview route
     * @param prePromotionAnalysis  analysis run against the preview before switching; empty when none
     * @param autoPromotionEnabled  false: wait (phase Paused) until promoted by hand
     * @param autoPromotionSeconds  when auto-promotion is enabled, seconds to wait on the preview before switching
     *                              (0: switch as soon as the new revision is healthy and the analysis passed)
     * @param scaleDownDelaySeconds seconds the old revision keeps running after the switch, so that an abort
     *                              right after it switches back without a cold start
     */
    record BlueGreen(@CheckForNull Integer previewPort, Optional<AnalysisSpec> prePromotionAnalysis,
                     boolean autoPromotionEnabled, int autoPromotionSeconds, int scaleDownDelaySeconds)
            implements ReleaseSpec {
        /** Argo Rollouts' default: long enough for in-flight requests and a quick abort. */
        public static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;

        public BlueGreen {
            Objects.requireNonNull(prePromotionAnalysis, "prePromotionAnalysis");
        }

        @Override
        public String strategy() {
            return BLUE_GREEN;
        }
    }
}
