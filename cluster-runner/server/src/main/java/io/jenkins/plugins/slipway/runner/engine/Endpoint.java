package io.jenkins.plugins.slipway.runner.engine;

/**
 * Where the router, the health probe and analysis reach one port of a replica: the address the engine reports,
 * whatever it is (a loopback published port on the local Docker engine, a node's address on a swarm, a pod IP).
 * Nothing in the release core dials an address it made up itself.
 */
public record Endpoint(String host, int port) {
    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of " + host + " is not a TCP port");
        }
    }

    /** {@code host:port} as it goes into a URL (an IPv6 address in brackets). */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
