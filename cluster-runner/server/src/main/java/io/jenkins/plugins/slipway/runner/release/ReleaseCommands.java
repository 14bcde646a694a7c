package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.release.plan.Command;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Commands asked through the API (promote, pause, resume) waiting for the next pass of their release. The API
 * checks them against the stored release first (409 when they do not apply); the pass checks again against the
 * state it works on, since the release may have moved on in between.
 */
public final class ReleaseCommands {
    private final Map<String, Command> pending = new ConcurrentHashMap<>();

    /** Queues {@code command}; a later one replaces one not yet taken. */
    public void request(String releaseId, Command command) {
        pending.put(releaseId, command);
    }

    /** The command waiting for the release, removed; null when none. */
    public Command take(String releaseId) {
        return pending.remove(releaseId);
    }
}
