package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;

/**
 * What a new revision changes for one service: the input every strategy plans from.
 *
 * @param fromRevision service revision running now, null when the service is new
 * @param oldReplicas  replicas of {@code fromRevision} running now
 * @param toRevision   service revision to run, null when the service goes away
 * @param spec         the service's new spec; null when it goes away
 */
public record ServiceChange(String service, Integer fromRevision, int oldReplicas, Integer toRevision,
                            ServiceSpec spec) {

    /** Replicas the new revision wants; 0 for a removed service. */
    public int newReplicas() {
        return spec == null ? 0 : spec.replicas();
    }
}
