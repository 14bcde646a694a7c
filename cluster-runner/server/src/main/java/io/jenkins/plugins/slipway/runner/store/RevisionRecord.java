package io.jenkins.plugins.slipway.runner.store;

import io.jenkins.plugins.slipway.runner.client.Cause;
import java.util.Map;

/**
 * One deployed version of an app's Compose file.
 *
 * @param serviceRevisions for each service, the revision whose containers run it: a service that did not
 *                         change keeps the containers of the revision that last changed it
 */
public record RevisionRecord(String app, int revision, String compose, Map<String, String> images,
                             String specHash, Map<String, Integer> serviceRevisions, Cause cause) {
}
