package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;

/**
 * A validated Compose file: the services the runner deploys, in file order.
 *
 * @param services service name to spec
 * @param files    the top-level secrets and configs, by name, with their sources (never their values)
 */
public record AppSpec(Map<String, ServiceSpec> services, FileSources files) {
    public AppSpec {
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
        files = files == null ? FileSources.NONE : files;
    }

    /** An app without secrets or configs. */
    public AppSpec(Map<String, ServiceSpec> services) {
        this(services, FileSources.NONE);
    }
}
