package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.compose.ComposeException;
import io.jenkins.plugins.slipway.runner.compose.ParsedCompose;
import io.jenkins.plugins.slipway.runner.release.Deployer;
import io.jenkins.plugins.slipway.runner.secrets.DeployFiles;
import java.io.IOException;
import java.util.List;

/**
 * {@code POST /api/v1/validate?app=APP}: the plan the runner would carry out for a deploy body, or the 400 with
 * every problem. Nothing is created, stored or started.
 */
final class ValidateApi {
    private final Deployer deployer;

    ValidateApi(Deployer deployer) {
        this.deployer = deployer;
    }

    void register(ApiServer server) {
        server.route("POST", "/api/v1/validate", this::validate);
    }

    private void validate(Exchange ex) throws IOException {
        String app = ex.query("app");
        if (app != null && !AppsApi.APP_NAME.matcher(app).matches()) {
            throw new ApiException(400, new ApiError("invalid app name", List.of(new ApiError.Problem("app",
                    "must be 1-40 lower-case letters, digits or '-', starting with a letter or digit"))));
        }
        DeployRequest req = ex.body(DeployRequest.class);
        if (req.compose() == null || req.compose().isBlank()) {
            throw new ApiException(400, new ApiError("compose is required",
                    List.of(new ApiError.Problem("compose", "is required: the Compose file as YAML text"))));
        }
        DeployFiles files = DeployFiles.of(req);
        try {
            if (!files.problems().isEmpty()) {
                throw new ComposeException(files.problems());
            }
            ParsedCompose parsed = deployer.parse(req.compose(), req.images(), files);
            ex.json(200, deployer.plan(app, req.compose(), parsed));
        } catch (ComposeException e) {
            throw new ApiException(400, new ApiError("the Compose file is invalid: " + e.problems().size()
                    + " problem(s); nothing would be deployed", e.problems()));
        }
    }
}
