package io.jenkins.plugins.slipway.runner.client;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/tasks}: one container run to completion on the runner's engine.
 *
 * @param image            image reference, pulled when the engine does not have it
 * @param command          the command (the image's {@code CMD} replaced); null or empty keeps the image's
 * @param env              environment variables; their values never appear in an answer, an event or a log
 * @param timeoutSeconds   the task is stopped after this long; null for the runner's default (1 hour)
 * @param stopGraceSeconds how long a stopped task may take to exit after SIGTERM before SIGKILL; null for 10
 */
public record TaskRequest(String image, List<String> command, Map<String, String> env, Integer timeoutSeconds,
                          Integer stopGraceSeconds) {
}
