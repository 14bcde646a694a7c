package io.jenkins.plugins.slipway.runner.client;

import java.util.List;

/** The wire records of the runner's token API ({@code /api/v1/tokens}, {@code /api/v1/whoami}). */
public final class Tokens {
    private Tokens() {
    }

    /**
     * Body of {@code POST /api/v1/tokens}.
     *
     * @param apps app patterns such as {@code shop-*}; null for every app
     * @param role {@code read}, {@code deploy} or {@code admin}
     */
    public record CreateRequest(String name, List<String> apps, String role) {
    }

    /** Answer of {@code POST /api/v1/tokens}: the only time the token itself is shown. */
    public record Created(String name, String token, List<String> apps, String role) {
        @Override
        public String toString() {
            return "Created[name=" + name + ", apps=" + apps + ", role=" + role + "]";
        }
    }

    /** One entry of {@code GET /api/v1/tokens}; {@code created} is ISO-8601 UTC. */
    public record Summary(String name, List<String> apps, String role, String created) {
    }

    /** Answer of {@code GET /api/v1/whoami}: the token this client presents. */
    public record Identity(String name, String role, List<String> apps) {
    }
}
