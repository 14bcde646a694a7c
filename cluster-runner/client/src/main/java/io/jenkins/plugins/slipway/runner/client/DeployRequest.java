package io.jenkins.plugins.slipway.runner.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Body of {@code PUT /api/v1/apps/{app}} (and of {@code POST /api/v1/validate}).
 *
 * @param compose  the Compose file, as YAML text
 * @param images   image reference per service name, overriding the file's {@code image:} (pushed digests)
 * @param cause    what asked for the deploy; may be null
 * @param secrets  the value of each top-level secret the file declares, by secret name (the client read it from
 *                 its {@code file:}, {@code environment:} or Jenkins credential); JSON carries the bytes in base64
 * @param configs  the content of each top-level config the file declares that is not inline, by config name
 * @param envFiles the text of each {@code env_file} a service names, by the path as the file writes it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeployRequest(String compose, Map<String, String> images, Cause cause, Map<String, byte[]> secrets,
                            Map<String, byte[]> configs, Map<String, String> envFiles) {
    public DeployRequest {
        images = images == null ? Map.of() : Map.copyOf(images);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        configs = configs == null ? Map.of() : Map.copyOf(configs);
        envFiles = envFiles == null ? Map.of() : Map.copyOf(envFiles);
    }

    /** A deploy of a file that names no secret, config or env file. */
    public DeployRequest(String compose, Map<String, String> images, Cause cause) {
        this(compose, images, cause, Map.of(), Map.of(), Map.of());
    }

    /** The same request with the values {@link ComposeInputs} read for the file. */
    public DeployRequest with(ComposeInputs.Values values) {
        return new DeployRequest(compose, images, cause, values.secrets(), values.configs(), values.envFiles());
    }

    /** Names only: a request may be logged or printed by mistake, its secret values must not be. */
    @Override
    public String toString() {
        return "DeployRequest[images=" + images + ", cause=" + cause + ", secrets=" + secrets.keySet()
                + ", configs=" + configs.keySet() + ", envFiles=" + envFiles.keySet() + "]";
    }
}
