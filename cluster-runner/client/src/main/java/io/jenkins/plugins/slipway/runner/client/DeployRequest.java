package io.jenkins.plugins.slipway.runner.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Body of {@code PUT /api/v1/apps/{app}}.
 *
 * @param compose the Compose file, as YAML text
 * @param images  image reference per service name, overriding the file's {@code image:} (pushed digests)
 * @param cause   what asked for the deploy; may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeployRequest(String compose, Map<String, String> images, Cause cause) {
    public DeployRequest {
        images = images == null ? Map.of() : Map.copyOf(images);
    }
}
