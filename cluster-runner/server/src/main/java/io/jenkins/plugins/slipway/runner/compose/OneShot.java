package io.jenkins.plugins.slipway.runner.compose;

import java.time.Duration;

/**
 * A service that is not kept running: it runs once as a task in each release of its app, with the service's
 * image, command, environment, settings, secrets, configs, networks and volumes, and must exit 0 for the release
 * to go on.
 *
 * @param when    when in the release it runs
 * @param timeout how long it may run before it is stopped and counts as failed
 */
public record OneShot(When when, Duration timeout) {
    /** Long enough for a schema migration on a busy machine, short enough that a hung one ends the release. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** When a one-shot service runs in a release. */
    public enum When {
        /** {@code x-slipway.task.when: beforeRelease}: before the release shifts any traffic. */
        BEFORE_RELEASE("beforeRelease"),
        /** {@code x-slipway.task.when: afterRelease}: once the new revision carries all the traffic. */
        AFTER_RELEASE("afterRelease"),
        /**
         * Named by a {@code depends_on} with {@code condition: service_completed_successfully} and without an
         * {@code x-slipway.task} of its own: it runs with the {@code beforeRelease} tasks, so before its dependants.
         */
        BEFORE_DEPENDANTS("service_completed_successfully");

        private final String composeName;

        When(String composeName) {
            this.composeName = composeName;
        }

        /** How the file (or the dependency condition) says it. */
        public String composeName() {
            return composeName;
        }

        /** Whether it runs before the release changes anything, rather than after. */
        public boolean before() {
            return this != AFTER_RELEASE;
        }
    }
}
