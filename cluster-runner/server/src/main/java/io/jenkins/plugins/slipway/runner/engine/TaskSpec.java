package io.jenkins.plugins.slipway.runner.engine;

import java.util.List;
import java.util.Map;

/**
 * One container an engine runs to completion (a task): no ports, no restarts, no health checks.
 *
 * @param id          the runner's id of the task, carried as the {@link Labels#TASK} label; unique per runner
 * @param image       image reference; the engine pulls it when it does not have it
 * @param command     replaces the image's command; empty keeps it
 * @param environment variables the container gets
 */
public record TaskSpec(String id, String image, List<String> command, Map<String, String> environment) {
    public TaskSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }
}
