package io.jenkins.plugins.slipway.runner.engine;

/**
 * What an engine does on its own, so that the runner does not do it a second time.
 *
 * @param restarts     the engine replaces a replica that exited, following the service's {@code restart_policy}
 *                     (Swarm, Kubernetes); when false the runner does, counting attempts in its store
 * @param reschedules  the engine moves replicas off a node that failed; when false a lost node's replicas stay
 *                     lost until the runner starts them again (one node: there is nowhere else to go)
 * @param healthChecks the engine runs the service's {@code healthcheck} and reports the verdict in
 *                     {@link Replica#health()}; when false, or for a service without one, the runner probes the
 *                     route's health path itself
 * @param placement    the engine chooses a node for each replica and honours {@code deploy.placement} (constraints,
 *                     spread preferences, {@code max_replicas_per_node}); when false it has one node, where every
 *                     replica runs, and a file's placement is ignored with a warning naming the engine
 * @param kubernetesTraffic the engine writes Kubernetes objects and honours {@code x-slipway.kubernetes} (a
 *                     service's traffic through a Gateway API HTTPRoute); when false a file with that key is
 *                     refused, naming it, rather than deployed without what it asks
 */
public record Capabilities(boolean restarts, boolean reschedules, boolean healthChecks, boolean placement,
                           boolean kubernetesTraffic) {

    /** An engine that writes no Kubernetes object (Docker, Swarm). */
    public Capabilities(boolean restarts, boolean reschedules, boolean healthChecks, boolean placement) {
        this(restarts, reschedules, healthChecks, placement, false);
    }
}
