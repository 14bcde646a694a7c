package io.jenkins.plugins.slipway.runner.routing;

import java.util.Objects;

/**
 * One replica the router may forward requests to.
 *
 * @param id       stable identity of the replica (the container id), unique within a route
 * @param revision the app revision the replica runs, as a string ("3"); weights and metrics are per revision
 * @param host     address the router connects to
 * @param port     port the router connects to (the service's target port on that replica)
 * @param healthy  the runner's health verdict. An unhealthy backend gets no traffic while enough of its revision's
 *                 backends are healthy, but stays in the route: when most of them look unhealthy (a busy machine
 *                 slows every probe) the router sends to all of them rather than to none (panic mode, see
 *                 {@link OutlierDetection#panicThresholdPercent()})
 */
public record Backend(String id, String revision, String host, int port, boolean healthy) {
    public Backend {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** A backend the runner holds healthy. */
    public Backend(String id, String revision, String host, int port) {
        this(id, revision, host, port, true);
    }

    /** Same replica at the same address, whatever its health: the router keeps its state across the change. */
    public boolean sameTarget(Backend other) {
        return id.equals(other.id) && revision.equals(other.revision) && host.equals(other.host) && port == other.port;
    }
}
