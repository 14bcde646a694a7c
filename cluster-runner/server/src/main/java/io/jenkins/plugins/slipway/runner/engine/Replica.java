package io.jenkins.plugins.slipway.runner.engine;

import java.util.Map;

/**
 * A replica as the engine sees it now.
 *
 * @param exitCode  for an exited replica, its exit code; else 0
 * @param hostPorts container port to the 127.0.0.1 host port it is published on
 */
public record Replica(String id, String name, Map<String, String> labels, State state, int exitCode,
                     Health health, Map<Integer, Integer> hostPorts) {

    /** Lifecycle as far as the runner cares. */
    public enum State { CREATED, RUNNING, EXITED, OTHER }

    /** The engine's own health check verdict; NONE when the replica has no health check. */
    public enum Health { NONE, STARTING, HEALTHY, UNHEALTHY }

    public String app() {
        return labels.get(Labels.APP);
    }

    public String service() {
        return labels.get(Labels.SERVICE);
    }

    public int revision() {
        return parse(labels.get(Labels.REVISION));
    }

    public int index() {
        return parse(labels.get(Labels.REPLICA));
    }

    /** {@code web-5-1}. */
    public String displayName() {
        return Labels.replicaName(service(), revision(), index());
    }

    private static int parse(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
