package io.jenkins.plugins.slipway.runner.store;

/**
 * A deployed app.
 *
 * @param revision       the revision meant to serve: the last good one, or the one being released
 * @param latestRevision the highest revision number handed out (failed ones included)
 * @param currentRelease the release in progress or the last one; null before any
 */
public record AppRecord(String name, int revision, int latestRevision, String currentRelease) {
}
