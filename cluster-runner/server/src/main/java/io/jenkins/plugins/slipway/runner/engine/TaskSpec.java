package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import java.util.List;
import java.util.Map;

/**
 * One container an engine runs to completion (a task): no ports, no restarts, no health checks.
 *
 * @param id          the runner's id of the task, carried as the {@link Labels#TASK} label; unique per runner
 * @param image       image reference; the engine pulls it when it does not have it
 * @param command     replaces the image's command; empty keeps it
 * @param environment variables the container gets
 * @param service     the service of an app the task runs as (a one-shot service of a release); null for a task
 *                    of its own. When set, the container is set up as that service's replicas are (entrypoint,
 *                    settings, secrets and configs, the app's networks and volumes), but carries no app label:
 *                    it is never taken for a replica.
 */
public record TaskSpec(String id, String image, List<String> command, Map<String, String> environment,
                       AppService service) {
    public TaskSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** A task of its own, outside any app. */
    public TaskSpec(String id, String image, List<String> command, Map<String, String> environment) {
        this(id, image, command, environment, null);
    }

    /**
     * A service of an app, as one of its revisions has it.
     *
     * @param resources the networks and volumes of that revision, prepared before the task starts
     */
    public record AppService(String app, int revision, ServiceSpec spec, AppResources resources) {
    }
}
