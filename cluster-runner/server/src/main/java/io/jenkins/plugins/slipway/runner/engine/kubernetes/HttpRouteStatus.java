package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;

/**
 * Reads what the Gateway's controller says of an {@code HTTPRoute}: each Gateway it names (a parent) reports
 * {@code Accepted} (the listener takes the route) and {@code ResolvedRefs} (every backendRef is a Service it can
 * send to). A route a Gateway refused carries none of the weights a release sets, so the release must know.
 * <p>
 * No status yet is no verdict (a controller takes a moment, and the mock in the tests has none), and a condition
 * about an earlier generation of the route says nothing of the current one.
 */
final class HttpRouteStatus {
    static final String ACCEPTED = "Accepted";
    static final String RESOLVED_REFS = "ResolvedRefs";

    private HttpRouteStatus() {
    }

    /**
     * Why a Gateway does not carry the route as written, for a person:
     * {@code HTTPRoute slipway-shop-web-1a2b: Gateway shop/gw did not accept it (NotAllowedByListeners: ...)}; null
     * when no Gateway said so.
     */
    static String problem(HTTPRoute route) {
        if (route == null || route.getStatus() == null || route.getStatus().getParents() == null) {
            return null;
        }
        Long generation = route.getMetadata().getGeneration();
        for (RouteParentStatus parent : route.getStatus().getParents()) {
            for (Condition c : parent.getConditions() == null ? List.<Condition>of() : parent.getConditions()) {
                boolean refused = (ACCEPTED.equals(c.getType()) || RESOLVED_REFS.equals(c.getType()))
                        && "False".equals(c.getStatus());
                boolean current = generation == null || c.getObservedGeneration() == null
                        || c.getObservedGeneration() >= generation;
                if (refused && current) {
                    String what = ACCEPTED.equals(c.getType()) ? "did not accept it" : "cannot resolve its backends";
                    String why = c.getReason() == null ? "" : c.getReason();
                    if (c.getMessage() != null && !c.getMessage().isBlank()) {
                        why = why.isEmpty() ? c.getMessage() : why + ": " + c.getMessage();
                    }
                    return "HTTPRoute " + route.getMetadata().getName() + ": " + parent(parent.getParentRef(),
                            route.getMetadata().getNamespace()) + " " + what + (why.isEmpty() ? "" : " (" + why + ")");
                }
            }
        }
        return null;
    }

    /** {@code Gateway shop/gw}, or the kind the reference names. */
    private static String parent(ParentReference ref, String routeNamespace) {
        if (ref == null) {
            return "a Gateway";
        }
        String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
        String namespace = ref.getNamespace() == null ? routeNamespace : ref.getNamespace();
        return kind + " " + (namespace == null ? "" : namespace + "/") + ref.getName();
    }
}
