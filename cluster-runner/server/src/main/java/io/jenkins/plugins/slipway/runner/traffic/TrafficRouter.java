package io.jenkins.plugins.slipway.runner.traffic;

import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import java.util.List;
import java.util.Map;

/**
 * A way of sending a routed service's traffic to its revisions other than the runner's own router, as Argo
 * Rollouts' {@code TrafficRoutingReconciler} has one implementation per mesh or ingress: the weights of the
 * revisions (the release's replica sets), the requests a match rule sends to one revision, and the removal of
 * everything it made. {@link RouteSync} keeps the routes of the runner's router itself and hands each service
 * whose file names another router ({@code x-slipway.kubernetes.trafficRouter}) to that router, every pass.
 * <p>
 * An implementation answers for what it can do: what it cannot (sticky sessions, a preview route, the router's
 * own figures) is refused when the file is deployed, never dropped here.
 */
public interface TrafficRouter {

    /** The {@code trafficRouter} value that selects it: {@code gateway-api}. */
    String name();

    /**
     * Makes the routing of {@code app}'s {@code services} that chose this router match their replica sets, with
     * what their release adds; what it made for other services of the app (a service removed, or gone back to
     * the runner's router) goes. Called after every reconcile pass and release decision, so an implementation
     * writes only what changed since its last call. A failure is logged and tried again at the next call.
     *
     * @param services the app's routed services that chose this router; empty when none does (any more)
     * @param observed the app's replicas as the pass saw them, with their health
     */
    void sync(String app, List<ServiceTraffic> services, List<ObservedReplica> observed);

    /**
     * The weights it last applied to the route of {@code app}'s {@code service}, by revision; empty when it routes
     * no such service.
     */
    Map<String, Integer> weights(String app, String service);

    /**
     * Why the routing of {@code app}'s {@code service} is not in force as written (the thing that carries the
     * traffic refused it), for a person; null when nothing says so. A release does not go on with weights that
     * nothing applies.
     */
    default String problem(String app, String service) {
        return null;
    }

    /** Removes everything it made for a deleted app. */
    void removeApp(String app);
}
