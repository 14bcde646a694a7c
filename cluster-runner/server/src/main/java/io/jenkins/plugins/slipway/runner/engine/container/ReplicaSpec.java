package io.jenkins.plugins.slipway.runner.engine.container;

import java.util.List;
import java.util.Map;

/**
 * What the engine needs to start one replica.
 *
 * @param command     null keeps the image's CMD
 * @param entrypoint  null keeps the image's ENTRYPOINT
 * @param ports       container ports to publish (where, the runtime decides)
 * @param healthcheck null keeps the image's HEALTHCHECK
 * @param files       secrets and configs to write into the container's filesystem before it starts
 */
public record ReplicaSpec(String name, String image, List<String> command, List<String> entrypoint,
                          Map<String, String> environment, Map<String, String> labels, List<Integer> ports,
                          Health healthcheck, long memoryBytes, long nanoCpus, List<File> files) {

    public ReplicaSpec {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /**
     * A file to place at {@code path} (absolute) with its owner and mode. Holds a plain secret value for as long as
     * the replica is being created; {@link #toString()} leaves it out.
     */
    public record File(String path, int uid, int gid, int mode, byte[] content) {
        @Override
        public String toString() {
            return "File[" + path + " " + uid + ":" + gid + " " + Integer.toOctalString(mode) + ", " + content.length
                    + " bytes]";
        }
    }

    /** An engine-run health check; {@code test} is empty to disable the image's own. */
    public record Health(List<String> test, long intervalNanos, long timeoutNanos, int retries, long startPeriodNanos) {
    }
}
