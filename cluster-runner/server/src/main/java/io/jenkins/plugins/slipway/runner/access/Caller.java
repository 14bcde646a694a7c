package io.jenkins.plugins.slipway.runner.access;

import java.util.List;

/**
 * Who made a request: the name of the token presented, its role and the apps it may touch.
 *
 * @param name the token's name (what the audit log records; never the token itself)
 * @param role what it may do
 * @param apps the app patterns it may do it on
 */
public record Caller(String name, Role role, List<AppPattern> apps) {
    public Caller {
        apps = List.copyOf(apps);
    }

    /** Whether this caller's patterns cover {@code app}. */
    public boolean mayUse(String app) {
        return apps.stream().anyMatch(p -> p.matches(app));
    }

    public List<String> appTexts() {
        return apps.stream().map(AppPattern::text).toList();
    }
}
