package io.jenkins.plugins.slipway.runner.routing;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one route does, immutable. {@link Router#apply(RouteSpec)} swaps a route's spec atomically:
 * requests already in flight finish on the backend they were sent to; new requests see the new spec.
 *
 * @param name     route identity, e.g. {@code "shop/web"}; also the {@code route} label in metrics
 * @param bindHost address to listen on (the runner uses 127.0.0.1 unless configured otherwise)
 * @param port     port to listen on
 * @param backends every replica of every revision that may receive traffic
 * @param weights  percent of traffic per revision; values sum to 100 unless the map is empty (then traffic is
 *                 spread evenly over healthy backends). A revision with weight 0 gets only matched requests.
 * @param matches  rules evaluated in order before weights
 * @param sticky   when true, a client keeps the revision it was first assigned for as long as that revision
 *                 keeps a non-zero weight (the router sets a cookie {@code slipway-rev-<route>})
 * @param internal further addresses the route listens on for calls from inside an app's network, each accepting
 *                 only its callers' subnet; the same table and metrics serve them
 * @param hold     for a route scaled to zero: how requests are held while a replica starts; null for a route that
 *                 is never at zero (a request then waits only {@link RouterOptions#queueTimeout()} for a backend)
 */
public record RouteSpec(String name, String bindHost, int port, List<Backend> backends,
                        Map<String, Integer> weights, List<MatchRule> matches, boolean sticky,
                        List<InternalListener> internal, Hold hold) {
    public RouteSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bindHost, "bindHost");
        backends = List.copyOf(backends);
        weights = Map.copyOf(weights);
        matches = List.copyOf(matches);
        internal = List.copyOf(internal);
        int sum = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (!weights.isEmpty() && sum != 100) {
            throw new IllegalArgumentException("weights of route " + name + " sum to " + sum + ", not 100");
        }
    }

    /** A route that never holds requests. */
    public RouteSpec(String name, String bindHost, int port, List<Backend> backends, Map<String, Integer> weights,
                     List<MatchRule> matches, boolean sticky, List<InternalListener> internal) {
        this(name, bindHost, port, backends, weights, matches, sticky, internal, null);
    }

    /** A route that listens on {@code bindHost:port} alone. */
    public RouteSpec(String name, String bindHost, int port, List<Backend> backends, Map<String, Integer> weights,
                     List<MatchRule> matches, boolean sticky) {
        this(name, bindHost, port, backends, weights, matches, sticky, List.of());
    }

    /** This spec listening also on {@code listeners}, in place of the internal ones it had. */
    public RouteSpec withInternal(List<InternalListener> listeners) {
        return new RouteSpec(name, bindHost, port, backends, weights, matches, sticky, listeners, hold);
    }

    /** This spec holding requests as {@code h} says while it has no backend (null: not holding). */
    public RouteSpec withHold(Hold h) {
        return new RouteSpec(name, bindHost, port, backends, weights, matches, sticky, internal, h);
    }
}
