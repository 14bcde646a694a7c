package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.compose.Autoscale;
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

    /**
     * Replicas the new revision wants; 0 for a removed service. An autoscaled service that runs goes on at the
     * count the autoscaler had reached (within the new min..max), not back at {@code deploy.replicas}: a release
     * must not take away the capacity the load was measured to need. Every strategy plans from this number, so a
     * canary's replicas are its share of it.
     */
    public int newReplicas() {
        if (spec == null) {
            return 0;
        }
        Autoscale autoscale = spec.autoscale();
        if (autoscale != null && fromRevision != null && oldReplicas > 0) {
            return Math.max(autoscale.min(), Math.min(autoscale.max(), oldReplicas));
        }
        return spec.replicas();
    }
}
