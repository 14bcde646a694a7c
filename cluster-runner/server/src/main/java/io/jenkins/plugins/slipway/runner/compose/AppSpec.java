package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;

/**
 * A validated Compose file: the services the runner deploys, in file order.
 *
 * @param services  service name to spec
 * @param resources the networks and named volumes the services share
 */
public record AppSpec(Map<String, ServiceSpec> services, AppResources resources) {
    public AppSpec {
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
    }

    /** An app whose services share only its default network. */
    public AppSpec(Map<String, ServiceSpec> services) {
        this(services, AppResources.DEFAULT);
    }
}
