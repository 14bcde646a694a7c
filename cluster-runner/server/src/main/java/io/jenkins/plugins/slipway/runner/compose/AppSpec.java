package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;

/**
 * A validated Compose file: the services the runner deploys, in file order.
 *
 * @param services service name to spec
 */
public record AppSpec(Map<String, ServiceSpec> services) {
    public AppSpec {
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
    }
}
