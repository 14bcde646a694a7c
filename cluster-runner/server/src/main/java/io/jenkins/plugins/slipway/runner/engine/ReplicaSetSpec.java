package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;

/**
 * What the release core asks of an engine: {@code replicas} replicas of {@code service} at {@code revision},
 * each made from {@code spec}. Replicas are numbered 1..{@code replicas}; a smaller count lets the highest
 * numbers go.
 *
 * @param spec the service as the revision defines it; null when the revision's spec is not known (a set the
 *             runner cannot start, whose replicas that run are kept as they are)
 */
public record ReplicaSetSpec(String app, String service, int revision, int replicas, ServiceSpec spec) {
}
