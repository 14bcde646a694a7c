package io.jenkins.plugins.slipway.runner.store;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;

/**
 * A release as stored: the public status plus the strategy's own progress ({@code state}, JSON) that lets a
 * restarted runner resume it.
 */
public record ReleaseRecord(String id, String app, Integer fromRevision, int toRevision, String strategy,
                            Phase phase, int step, int stepCount, int canaryWeight, String message,
                            String state) {

    public ReleaseStatus status() {
        return new ReleaseStatus(id, app, fromRevision, toRevision, strategy, phase, step, stepCount,
                canaryWeight, message);
    }

    public ReleaseRecord with(Phase newPhase, int newStep, int newWeight, String newMessage, String newState) {
        return new ReleaseRecord(id, app, fromRevision, toRevision, strategy, newPhase, newStep, stepCount,
                newWeight, newMessage, newState);
    }
}
