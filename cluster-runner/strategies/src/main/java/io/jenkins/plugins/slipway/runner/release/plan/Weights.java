package io.jenkins.plugins.slipway.runner.release.plan;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import java.util.Map;
import java.util.Objects;

/**
 * Weight maths, pure. The one rule above all: a revision with a weight above 0 never has 0 replicas (it would
 * turn its share of traffic into errors), so counts round up and are clamped to at least one.
 */
public final class Weights {
    private Weights() {
    }

    /**
     * Replicas the new revision needs to carry {@code weight} percent of the traffic of a service with
     * {@code totalReplicas}: {@code ceil(weight * total / 100)}, at least 1 when the weight is above 0, at most the
     * total. A service scaled to 0 gets 0.
     */
    public static int canaryReplicas(int weight, int totalReplicas) {
        checkWeight(weight);
        if (totalReplicas < 0) {
            throw new IllegalArgumentException("totalReplicas must be >= 0: " + totalReplicas);
        }
        if (weight == 0 || totalReplicas == 0) {
            return 0;
        }
        int n = (weight * totalReplicas + 99) / 100;
        return clamp(n, 1, totalReplicas);
    }

    /**
     * Replicas of both revisions while the new one has {@code weight}. The stable revision keeps its full count until
     * the release ends, so that an abort or a failed analysis moves traffic back at once, without a cold start.
     *
     * @param scale the {@code setCanaryScale} in force; null (or {@code matchTrafficWeight}) makes replicas follow
     *              the weight
     */
    public static ReplicaSplit split(int totalReplicas, int weight, @CheckForNull CanaryStep.SetCanaryScale scale) {
        checkWeight(weight);
        int canary;
        if (scale == null || scale.matchTrafficWeight()) {
            canary = canaryReplicas(weight, totalReplicas);
        } else {
            int asked = scale.replicas() != null
                    ? scale.replicas() : canaryReplicas(Objects.requireNonNull(scale.weight()), totalReplicas);
            // An explicit scale may go below what the weight needs, but never to 0 while traffic is sent.
            int floor = weight > 0 && totalReplicas > 0 ? 1 : 0;
            canary = clamp(asked, floor, totalReplicas);
        }
        return new ReplicaSplit(canary, totalReplicas);
    }

    /**
     * The router weights for a canary at {@code weight}: {@code {stable: 100 - w, canary: w}}. On an app's first
     * release there is no stable revision and the canary gets everything.
     */
    public static Map<String, Integer> routeWeights(@CheckForNull String stableRevision, String canaryRevision,
                                                    int weight) {
        checkWeight(weight);
        Objects.requireNonNull(canaryRevision, "canaryRevision");
        if (stableRevision == null) {
            return Map.of(canaryRevision, 100);
        }
        if (stableRevision.equals(canaryRevision)) {
            throw new IllegalArgumentException("stable and canary are the same revision " + canaryRevision);
        }
        return Map.of(stableRevision, 100 - weight, canaryRevision, weight);
    }

    private static void checkWeight(int weight) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight out of 0..100: " + weight);
        }
    }

    private static int clamp(int n, int min, int max) {
        return Math.max(min, Math.min(max, n));
    }
}
