package io.jenkins.plugins.slipway.runner.routing;

import java.util.Objects;

/**
 * One replica the router may forward requests to.
 *
 * @param id       stable identity of the replica (the container id), unique within a route
 * @param revision the app revision the replica runs, as a string ("3"); weights and metrics are per revision
 * @param host     address the router connects to
 * @param port     port the router connects to (the service's target port on that replica)
 */
public record Backend(String id, String revision, String host, int port) {
    public Backend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
