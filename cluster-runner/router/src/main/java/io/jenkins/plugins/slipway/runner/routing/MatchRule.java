package io.jenkins.plugins.slipway.runner.routing;

import java.util.Objects;

/**
 * Sends a request to {@code revision} whatever the weights, when the request carries a header (or a cookie)
 * named {@code name} whose value equals {@code value}. Used to reach a canary at weight 0
 * ({@code X-Canary: always}).
 */
public record MatchRule(Kind kind, String name, String value, String revision) {
    /** Where the router looks for {@link #name()}. */
    public enum Kind { HEADER, COOKIE }

    public MatchRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(revision, "revision");
    }
}
