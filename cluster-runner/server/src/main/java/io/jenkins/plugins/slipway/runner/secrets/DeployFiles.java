package io.jenkins.plugins.slipway.runner.secrets;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values that came with one deploy: secret values and config contents by name, env files by path. Kept only
 * encrypted ({@link SecretStore}); {@link #toString()} shows names only, so a stray log line cannot leak a value.
 */
public record DeployFiles(Map<String, byte[]> secrets, Map<String, byte[]> configs, Map<String, String> envFiles) {
    /** Largest secret or config value: Swarm's limit for a secret, so an app that runs here runs there too. */
    public static final int MAX_VALUE_BYTES = 500 * 1024;
    public static final DeployFiles NONE = new DeployFiles(Map.of(), Map.of(), Map.of());

    public DeployFiles {
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        configs = configs == null ? Map.of() : Map.copyOf(configs);
        envFiles = envFiles == null ? Map.of() : Map.copyOf(envFiles);
    }

    /** What the request carries. */
    public static DeployFiles of(DeployRequest request) {
        return new DeployFiles(request.secrets(), request.configs(), request.envFiles());
    }

    /** Values that are too large or missing, each with its field path in the request. */
    public List<ApiError.Problem> problems() {
        List<ApiError.Problem> out = new ArrayList<>();
        check("secrets", secrets, out);
        check("configs", configs, out);
        envFiles.forEach((path, text) -> {
            if (text.length() > MAX_VALUE_BYTES) {
                out.add(new ApiError.Problem("envFiles." + path, "is larger than " + MAX_VALUE_BYTES / 1024 + " KiB"));
            }
        });
        return out;
    }

    private static void check(String section, Map<String, byte[]> values, List<ApiError.Problem> out) {
        values.forEach((name, value) -> {
            if (value == null) {
                out.add(new ApiError.Problem(section + "." + name, "has no value"));
            } else if (value.length > MAX_VALUE_BYTES) {
                out.add(new ApiError.Problem(section + "." + name, "is " + value.length / 1024 + " KiB; at most "
                        + MAX_VALUE_BYTES / 1024 + " KiB"));
            }
        });
    }

    @Override
    public String toString() {
        return "DeployFiles[secrets=" + secrets.keySet() + ", configs=" + configs.keySet() + ", envFiles="
                + envFiles.keySet() + "]";
    }
}
