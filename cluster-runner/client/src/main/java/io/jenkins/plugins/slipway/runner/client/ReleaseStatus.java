package io.jenkins.plugins.slipway.runner.client;

/**
 * {@code GET /api/v1/releases/{id}}.
 *
 * @param fromRevision revision serving before the release; null for an app's first release
 * @param step         1-based number of the step being run; 0 before the first step
 * @param stepCount    how many steps the release has
 * @param canaryWeight percent of traffic the new revision gets now
 * @param message      the latest human-readable word on the release (the reason, for a failed one)
 */
public record ReleaseStatus(String id, String app, Integer fromRevision, int toRevision, String strategy,
                            Phase phase, int step, int stepCount, int canaryWeight, String message) {
}
