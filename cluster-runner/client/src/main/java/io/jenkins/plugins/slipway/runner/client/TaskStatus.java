package io.jenkins.plugins.slipway.runner.client;

import java.util.List;

/**
 * {@code GET /api/v1/tasks/{id}}: where a task stands.
 *
 * @param state     {@code Starting}, {@code Running}, {@code Succeeded} (exit 0), {@code Failed} (another exit
 *                  code, or the engine could not run it), {@code Stopped} (by a call) or {@code TimedOut}
 * @param exitCode  the container's exit code once it ended; null while it runs or when it never ran
 * @param message   the latest word on the task: why it failed, who stopped it
 * @param envNames  the names of the variables it was given (never their values)
 * @param startedAt ISO-8601 instant the runner accepted it
 * @param endedAt   ISO-8601 instant it ended; null while it runs
 * @param lines     how many log lines the runner holds for it
 */
public record TaskStatus(String id, String image, List<String> command, List<String> envNames, String state,
                         Integer exitCode, String message, String startedAt, String endedAt, long lines) {

    /** Whether the task has ended: its exit code and log are final. */
    public boolean isDone() {
        return !"Starting".equals(state) && !"Running".equals(state);
    }
}
