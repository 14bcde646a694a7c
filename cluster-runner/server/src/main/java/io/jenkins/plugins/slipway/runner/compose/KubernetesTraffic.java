package io.jenkins.plugins.slipway.runner.compose;

import java.util.List;
import java.util.Objects;

/**
 * {@code x-slipway.kubernetes} of a service: how its route's traffic reaches its revisions on the Kubernetes
 * engine. With {@code trafficRouter: runner} (the default) the runner's own router carries it, as on every engine;
 * with {@code gateway-api} a Gateway the user already runs carries it, through an {@code HTTPRoute} whose weighted
 * backendRefs the runner writes (docs/kubernetes.md, Gateway API).
 *
 * @param trafficRouter {@link #RUNNER} or {@link #GATEWAY_API}
 * @param gateway       the Gateway the HTTPRoute attaches to; null with the runner's router
 * @param hostnames     the HTTPRoute's {@code hostnames}; empty for every host the Gateway's listener takes
 */
public record KubernetesTraffic(String trafficRouter, GatewayRef gateway, List<String> hostnames) {
    public static final String RUNNER = "runner";
    public static final String GATEWAY_API = "gateway-api";

    public KubernetesTraffic {
        Objects.requireNonNull(trafficRouter, "trafficRouter");
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    }

    /** Whether a Gateway, not the runner's router, carries the service's traffic. */
    public boolean gatewayApi() {
        return GATEWAY_API.equals(trafficRouter);
    }

    /**
     * A Gateway API {@code parentRef}: the Gateway {@code name} in {@code namespace} (null: the runner's own), and
     * the listener {@code sectionName} (null: every listener that allows the route).
     */
    public record GatewayRef(String name, String namespace, String sectionName) {
        public GatewayRef {
            Objects.requireNonNull(name, "name");
        }
    }
}
