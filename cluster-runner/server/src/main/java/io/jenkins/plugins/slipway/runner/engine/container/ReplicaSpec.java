package io.jenkins.plugins.slipway.runner.engine.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the engine needs to start one replica.
 *
 * @param command     null keeps the image's CMD
 * @param entrypoint  null keeps the image's ENTRYPOINT
 * @param ports       container ports to publish (where, the runtime decides)
 * @param healthcheck null keeps the image's HEALTHCHECK
 * @param stopGrace   between SIGTERM and SIGKILL whoever stops it (the engine too, e.g. at its restart); null: the
 *                    engine's default
 */
public record ReplicaSpec(String name, String image, List<String> command, List<String> entrypoint,
                          Map<String, String> environment, Map<String, String> labels, List<Integer> ports,
                          Health healthcheck, long memoryBytes, long nanoCpus, Duration stopGrace) {

    /** An engine-run health check; {@code test} is empty to disable the image's own. */
    public record Health(List<String> test, long intervalNanos, long timeoutNanos, int retries, long startPeriodNanos) {
    }
}
