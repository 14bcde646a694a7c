package io.jenkins.plugins.slipway.runner.client;

import java.util.List;

/**
 * Body of every 4xx/5xx answer.
 *
 * @param error    one sentence saying what was wrong
 * @param problems for invalid input: each problem with the field path it concerns
 *                 ({@code services.web.deploy.replicas})
 */
public record ApiError(String error, List<Problem> problems) {
    public ApiError {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** One thing wrong with the input, and where. */
    public record Problem(String path, String message) {
    }
}
