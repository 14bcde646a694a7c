package io.jenkins.plugins.slipway.runner.routing;

import java.util.Objects;

/**
 * A further address a route listens on for calls from inside one network: the callers of an app's service that
 * reach it by name. The route's weights, match rules, stickiness and metrics apply to these calls as to any other;
 * a connection whose source address is outside {@code callers} is closed before a byte is read, so one app's
 * containers cannot use another app's routes through it.
 *
 * @param host    address to listen on (the gateway of the app's network: the host's side of its bridge)
 * @param port    port to listen on (the service's port, the one callers name)
 * @param callers the only sources accepted, in CIDR notation ({@code 172.18.0.0/16}: the app network's subnet)
 */
public record InternalListener(String host, int port, String callers) {
    public InternalListener {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(callers, "callers");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
