package io.jenkins.plugins.slipway.runner.routing;

import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The runner's traffic router: an HTTP reverse proxy with weighted, rule-based and sticky routing per
 * revision. Implementations must never fail a request in flight because of {@link #apply} or {@link #remove}
 * and must take a new spec into account for new requests within 100 ms.
 * <p>
 * This is one traffic-routing implementation among those to come (the Argo Rollouts shape): the release
 * logic only ever talks to this interface.
 */
public interface Router extends AutoCloseable {

    /**
     * Creates the route (binding its port) or atomically replaces its spec.
     *
     * @throws IOException when the port cannot be bound; the route is then unchanged
     */
    void apply(RouteSpec spec) throws IOException;

    /** The spec currently in force for a route. */
    Optional<RouteSpec> spec(String routeName);

    /**
     * Stops listening for the route at once (its port is free again); requests in flight finish and their
     * connections close after them, idle connections close now. Unknown routes are ignored.
     */
    void remove(String routeName);

    /**
     * Sets the runner's health verdict of a backend without changing the spec (as {@link Backend#healthy()}).
     * An unhealthy backend still takes traffic when most of its revision looks unhealthy (panic). Backends that
     * refuse connections or keep failing are ejected by the router itself (see {@link OutlierDetection}).
     */
    void setBackendHealthy(String routeName, String backendId, boolean healthy);

    /**
     * Requests currently being forwarded to a backend: the runner drains a replica until this is 0. Counts on
     * for a backend removed from the spec until its last request ends; 0 for an unknown backend.
     */
    int inFlight(String routeName, String backendId);

    /**
     * Tells {@code listener} the name of a route whose spec has a {@link Hold} when a request starts being held on
     * it for want of a backend: the route is at zero and someone is waiting. Called on the router's own threads,
     * at most about every 100 ms per route while requests keep arriving, so the listener must only hand the news
     * on. One listener; a second call replaces the first.
     */
    void onHeld(Consumer<String> listener);

    /** Requests held right now on a route at zero, waiting for a backend; 0 for an unknown route. */
    int held(String routeName);

    /** Cumulative figures of one revision on one route; an empty snapshot for an unknown route or revision. */
    MetricsSnapshot snapshot(String routeName, String revision);

    /** Every route's per-revision figures as Prometheus metrics, read from the snapshots when scraped. */
    MultiCollector metrics();

    @Override
    void close();
}
