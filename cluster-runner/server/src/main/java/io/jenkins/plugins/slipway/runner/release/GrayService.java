package io.jenkins.plugins.slipway.runner.release;

/**
 * One service a canary or blue-green release changes, as saved in the release state.
 *
 * @param from     the service revision running before the release; null for a service the revision adds
 * @param to       the service revision being released; null for a service the revision removes
 * @param replicas the service's desired replicas at {@code to}
 */
public record GrayService(String service, Integer from, Integer to, int replicas) {

    static GrayService of(ServiceChange c) {
        return new GrayService(c.service(), c.fromRevision(), c.toRevision(), c.newReplicas());
    }

    /** True for a service replaced by a new revision: the ones that get weights and steps. */
    public boolean replaced() {
        return from != null && to != null;
    }
}
