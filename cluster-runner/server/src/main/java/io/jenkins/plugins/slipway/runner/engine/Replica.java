package io.jenkins.plugins.slipway.runner.engine;

import java.util.Map;

/**
 * A replica as the engine sees it now.
 *
 * @param exitCode  for an exited replica, its exit code; else 0
 * @param node      the node it runs on, as the engine names it
 * @param endpoints container port to the address the router reaches it on
 */
public record Replica(String id, String name, Map<String, String> labels, State state, int exitCode,
                      Health health, String node, Map<Integer, Endpoint> endpoints) {

    /** Lifecycle as far as the runner cares. */
    public enum State { CREATED, RUNNING, EXITED, OTHER }

    /** The engine's own health check verdict; NONE when the replica has no health check. */
    public enum Health { NONE, STARTING, HEALTHY, UNHEALTHY }

    public Replica {
        labels = Map.copyOf(labels);
        endpoints = Map.copyOf(endpoints);
    }

    /** Where container port {@code port} is reached, or null when the engine does not publish it. */
    public Endpoint endpoint(int port) {
        return endpoints.get(port);
    }

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
