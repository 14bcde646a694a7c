package io.jenkins.plugins.slipway.runner.audit;

/**
 * One answered API call as the audit log keeps it.
 *
 * @param at       when it was answered, ISO-8601 UTC
 * @param token    the name of the token presented; null when none was valid
 * @param method   HTTP method
 * @param route    the path called
 * @param app      the app it was about; null for calls about no app
 * @param buildUrl the Jenkins build that made the call, when the caller said so
 * @param status   the HTTP status answered
 * @param remote   the caller's address
 */
public record AuditEntry(String at, String token, String method, String route, String app, String buildUrl,
                         int status, String remote) {
}
