package io.jenkins.plugins.slipway.runner.release.plan;

/**
 * Replicas per revision during a release.
 *
 * @param canary replicas of the new revision
 * @param stable replicas of the revision serving before the release
 */
public record ReplicaSplit(int canary, int stable) {
    public ReplicaSplit {
        if (canary < 0 || stable < 0) {
            throw new IllegalArgumentException("replica counts must be >= 0: " + canary + "/" + stable);
        }
    }
}
