package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Replica;

/**
 * A replica as the last reconcile pass saw it, with the runner's health verdict.
 *
 * @param healthy      ready for traffic: the health check passed (or the probe answered, or it runs)
 * @param healthDetail how that was decided, for messages: "http probe 200 on :8080 in 12 ms"
 * @param endpoint     where the router reaches the route's target port, as the engine reports it; null when the
 *                     service has no route or the engine does not publish the port
 * @param servedBefore it was ready at some point since it started: when it is not ready now (slow probes on a
 *                     busy machine) it stays in its route, marked unhealthy, for the router's panic mode
 */
public record ObservedReplica(Replica replica, boolean healthy, String healthDetail, Endpoint endpoint,
                              boolean servedBefore) {
    public ObservedReplica(Replica replica, boolean healthy, String healthDetail, Endpoint endpoint) {
        this(replica, healthy, healthDetail, endpoint, healthy);
    }
}
