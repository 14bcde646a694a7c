package io.jenkins.plugins.slipway.runner.release.spec;

import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import java.util.Objects;

/**
 * A canary {@code match:} rule: a request carrying this header (or cookie) with this exact value goes to the new
 * revision whatever the weight, even at weight 0.
 */
public record MatchCondition(MatchRule.Kind kind, String name, String value) {
    public MatchCondition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** The router rule sending matching requests to {@code revision}. */
    public MatchRule toRule(String revision) {
        return new MatchRule(kind, name, value, revision);
    }
}
