package io.jenkins.plugins.slipway.runner.compose;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.util.ArrayList;
import java.util.List;

/** Collects every error and warning found in a Compose file, each with its field path. */
final class Problems {
    final List<ApiError.Problem> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    void error(String path, String message) {
        errors.add(new ApiError.Problem(path, message));
    }

    void warn(String path, String message) {
        warnings.add(path + ": " + message);
    }
}
