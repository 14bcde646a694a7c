package io.jenkins.plugins.slipway.runner.engine.swarm;

import java.time.Instant;
import java.util.Map;

/**
 * A Swarm task as the runner reads it: the parts of {@code GET /tasks} it needs, including the host-mode ports
 * the node published ({@code Status.PortStatus}), which docker-java's task model does not carry.
 *
 * @param desiredRunning the orchestrator wants it running (false once it is being shut down or replaced)
 * @param state          {@code Status.State} in lower case: pending, starting, running, failed, ...
 * @param error          {@code Status.Err}: why it failed or cannot be scheduled; empty when none
 * @param ports          target (container) port to the port published on the node
 */
record Task(String id, String serviceId, int slot, String nodeId, boolean desiredRunning, String state,
            String error, int exitCode, Map<Integer, Integer> ports, Instant createdAt) {

    /** Still alive (or about to be): not in one of the final states. */
    boolean alive() {
        return switch (state) {
            case "complete", "shutdown", "failed", "rejected", "orphaned", "remove" -> false;
            default -> true;
        };
    }
}
