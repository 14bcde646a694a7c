package io.jenkins.plugins.slipway.runner.client;

import java.util.List;

/**
 * {@code GET /api/v1/releases/{id}/plan}: the steps a release runs and what started it, for views that draw the
 * whole step chain before the release reaches its end.
 *
 * @param service the service whose release spec gives the steps; null when no service's spec lists them
 * @param steps   each step's description in order, as its {@code StepStarted} event says it ({@code setWeight 25},
 *                {@code pause (until promoted)}); empty when the steps are only known as they start (rolling and
 *                blue-green releases, whose step messages are in their events)
 * @param cause   what deployed the release's revision (the Jenkins build); null when the deploy did not say
 */
public record ReleasePlan(String release, String app, String strategy, String service, List<String> steps,
                          Cause cause) {
    public ReleasePlan {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }
}
