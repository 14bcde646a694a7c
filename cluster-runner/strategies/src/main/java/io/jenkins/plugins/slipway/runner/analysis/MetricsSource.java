package io.jenkins.plugins.slipway.runner.analysis;

import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;

/** Where the router metric provider reads traffic figures; {@code router::snapshot} is one. */
@FunctionalInterface
public interface MetricsSource {
    /** Cumulative figures of {@code revision} on {@code route} now. */
    MetricsSnapshot snapshot(String route, String revision);
}
