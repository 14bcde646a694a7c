package io.jenkins.plugins.slipway.runner.release.spec;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** One entry of a canary's {@code steps:} list. */
public sealed interface CanaryStep
        permits CanaryStep.SetWeight, CanaryStep.Pause, CanaryStep.Analysis, CanaryStep.SetCanaryScale {

    /** A short description for the build log: {@code setWeight 25}, {@code pause 30s}, {@code pause (until promoted)}. */
    String describe();

    /** {@code setWeight: N}: the new revision gets N percent of the route's traffic. */
    record SetWeight(int weight) implements CanaryStep {
        public SetWeight {
            if (weight < 0 || weight > 100) {
                throw new IllegalArgumentException("weight out of 0..100: " + weight);
            }
        }

        @Override
        public String describe() {
            return "setWeight " + weight;
        }
    }

    /** {@code pause: {duration: 30s}}, or {@code pause: {}}: wait until promoted. */
    record Pause(Optional<Duration> duration) implements CanaryStep {
        public Pause {
            Objects.requireNonNull(duration, "duration");
        }

        public static Pause indefinite() {
            return new Pause(Optional.empty());
        }

        public static Pause of(Duration duration) {
            return new Pause(Optional.of(duration));
        }

        public boolean isIndefinite() {
            return duration.isEmpty();
        }

        @Override
        public String describe() {
            return duration.map(d -> "pause " + Durations.format(d)).orElse("pause (until promoted)");
        }
    }

    /** {@code analysis: {...}}: run an analysis now and block the release until it passes or fails. */
    record Analysis(AnalysisSpec analysis) implements CanaryStep {
        public Analysis {
            Objects.requireNonNull(analysis, "analysis");
        }

        @Override
        public String describe() {
            return "analysis (" + analysis.describe() + ")";
        }
    }

    /**
     * {@code setCanaryScale}: decouples the new revision's replica count from its traffic weight. Exactly one of
     * the three forms is set.
     *
     * @param replicas           {@code replicas: N}: exactly N replicas
     * @param weight             {@code weight: N}: as many replicas as N percent of the service's replicas
     * @param matchTrafficWeight {@code matchTrafficWeight: true}: back to the default, replicas follow the weight
     */
    record SetCanaryScale(@CheckForNull Integer replicas, @CheckForNull Integer weight, boolean matchTrafficWeight)
            implements CanaryStep {
        public static SetCanaryScale replicas(int n) {
            return new SetCanaryScale(n, null, false);
        }

        public static SetCanaryScale weight(int percent) {
            return new SetCanaryScale(null, percent, false);
        }

        public static SetCanaryScale followWeight() {
            return new SetCanaryScale(null, null, true);
        }

        @Override
        public String describe() {
            if (replicas != null) {
                return "setCanaryScale replicas " + replicas;
            }
            if (weight != null) {
                return "setCanaryScale weight " + weight;
            }
            return "setCanaryScale matchTrafficWeight";
        }
    }
}
