package io.jenkins.plugins.slipway.runners;

import io.jenkins.plugins.slipway.runner.client.RunnerClient;

/**
 * A client for one configured runner, with the API token already resolved from its credential. Lives only
 * in memory: the token is never serialized with a pipeline's state, it is resolved again on resume.
 *
 * @param name   the runner's name in the global configuration
 * @param url    its base URL
 * @param client the client, carrying the token
 */
public record RunnerConnection(String name, String url, RunnerClient client) {

    /** How build logs name the runner: never with its token. */
    public String describe() {
        return "'" + name + "' (" + url + ")";
    }
}
