package io.jenkins.plugins.slipway.runner.store;

/**
 * Desired state: {@code replicas} containers of {@code service} at {@code revision} must run, and the
 * service's route gives that revision {@code weight} percent of its traffic.
 */
public record ReplicaSet(String app, String service, int revision, int replicas, int weight) {
    public ReplicaSet withReplicas(int n) {
        return new ReplicaSet(app, service, revision, n, weight);
    }

    public ReplicaSet withWeight(int w) {
        return new ReplicaSet(app, service, revision, replicas, w);
    }
}
