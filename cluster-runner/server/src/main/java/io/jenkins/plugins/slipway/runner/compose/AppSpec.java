package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;

/**
 * A validated Compose file: the services the runner deploys, in file order.
 *
 * @param services  service name to spec
 * @param resources the networks and named volumes the services share
 * @param files     the top-level secrets and configs, by name, with their sources (never their values)
 */
public record AppSpec(Map<String, ServiceSpec> services, AppResources resources, FileSources files) {
    public AppSpec {
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
        files = files == null ? FileSources.NONE : files;
    }

    /** An app whose services share only its default network. */
    public AppSpec(Map<String, ServiceSpec> services) {
        this(services, AppResources.DEFAULT);
    }

    /** An app without secrets or configs. */
    public AppSpec(Map<String, ServiceSpec> services, AppResources resources) {
        this(services, resources, FileSources.NONE);
    }
}
