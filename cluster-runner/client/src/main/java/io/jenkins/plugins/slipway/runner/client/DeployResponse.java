package io.jenkins.plugins.slipway.runner.client;

import java.util.List;

/**
 * Answer to a deploy: 202 with a new revision and release, or 200 with the current revision and
 * {@code release == null} when the spec did not change.
 *
 * @param warnings keys the runner does not understand and ignored, by field path
 */
public record DeployResponse(String app, int revision, String release, List<String> warnings) {
    public DeployResponse {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
