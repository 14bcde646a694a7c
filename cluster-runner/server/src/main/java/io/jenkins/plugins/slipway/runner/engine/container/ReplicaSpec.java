package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import java.util.List;
import java.util.Map;

/**
 * What the engine needs to start one replica.
 *
 * @param command     null keeps the image's CMD
 * @param entrypoint  null keeps the image's ENTRYPOINT
 * @param ports       container ports to publish (where, the runtime decides)
 * @param healthcheck null keeps the image's HEALTHCHECK
 * @param attachments the networks, published ports and mounts, with engine names
 */
public record ReplicaSpec(String name, String image, List<String> command, List<String> entrypoint,
                          Map<String, String> environment, Map<String, String> labels, List<Integer> ports,
                          Health healthcheck, long memoryBytes, long nanoCpus, Attachments attachments) {

    /**
     * Where the replica is plugged in, in the runtime's names.
     *
     * @param networks      network engine name to the names the replica answers to on it (the service name first)
     * @param published     ports on fixed host ports, each with the address to publish on
     * @param mounts        VOLUME sources are volume engine names
     * @param readOnly      read-only root filesystem
     * @param settings      the other container keys, as the service has them
     */
    public record Attachments(Map<String, List<String>> networks,
                              List<ServiceWiring.PublishedPort> published, List<ServiceWiring.Mount> mounts,
                              boolean readOnly, ContainerSettings settings) {
        /** The runtime's default network, nothing published or mounted. */
        public static final Attachments NONE = new Attachments(Map.of(), List.of(), List.of(), false,
                ContainerSettings.DEFAULT);
    }

    /** An engine-run health check; {@code test} is empty to disable the image's own. */
    public record Health(List<String> test, long intervalNanos, long timeoutNanos, int retries, long startPeriodNanos) {
    }
}
