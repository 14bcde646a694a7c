package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.engine.Replica;

/**
 * A replica as the last reconcile pass saw it, with the runner's health verdict.
 *
 * @param healthy      ready for traffic: the health check passed (or the probe answered, or it runs)
 * @param healthDetail how that was decided, for messages: "http probe 200 on :8080 in 12 ms"
 * @param hostPort     the 127.0.0.1 port the route's target port is published on; 0 when none
 * @param servedBefore it was ready at some point since it started: when it is not ready now (slow probes on a
 *                     busy machine) it stays in its route, marked unhealthy, for the router's panic mode
 */
public record ObservedReplica(Replica replica, boolean healthy, String healthDetail, int hostPort,
                              boolean servedBefore) {
    public ObservedReplica(Replica replica, boolean healthy, String healthDetail, int hostPort) {
        this(replica, healthy, healthDetail, hostPort, healthy);
    }
}
