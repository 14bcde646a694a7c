package io.jenkins.plugins.slipway.runner.store;

/**
 * How often the runner has replaced replica {@code replica} of {@code service} at {@code revision}, for
 * {@code deploy.restart_policy.max_attempts}.
 *
 * @param replacementStartedAt epoch milliseconds the latest replacement started, for {@code window}; 0 while
 *                             it has not started (yet)
 */
public record RestartRecord(String app, String service, int revision, int replica, int attempts,
                            long replacementStartedAt) {
}
