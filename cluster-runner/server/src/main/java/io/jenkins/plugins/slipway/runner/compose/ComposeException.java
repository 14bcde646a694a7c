package io.jenkins.plugins.slipway.runner.compose;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.util.List;

/** The Compose file is not one the runner can deploy; {@link #problems()} says where and why, all at once. */
public class ComposeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ApiError.Problem> problems;

    public ComposeException(List<ApiError.Problem> problems) {
        super(problems.size() + " problem(s) in the Compose file, first: "
                + problems.get(0).path() + ": " + problems.get(0).message());
        this.problems = List.copyOf(problems);
    }

    public List<ApiError.Problem> problems() {
        return problems;
    }
}
