package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code external: true} secrets and configs of a file, for an engine that cannot mount them: a 400 at deploy
 * naming each definition, rather than a release whose replicas cannot start.
 */
public final class ExternalFiles {
    private ExternalFiles() {
    }

    /**
     * One problem per external definition the app's services mount.
     *
     * @param why what the engine lacks, e.g. "the docker engine keeps no secrets of its own"
     */
    public static List<ApiError.Problem> refusals(AppSpec spec, String why) {
        Set<String> paths = new LinkedHashSet<>();
        spec.services().values().forEach(s -> s.files().stream().filter(m -> m.external() != null)
                .forEach(m -> paths.add(m.kind().key() + "." + m.source() + ".external")));
        List<ApiError.Problem> out = new ArrayList<>();
        for (String path : paths) {
            boolean secret = path.startsWith(FileMount.Kind.SECRET.key());
            out.add(new ApiError.Problem(path, "an external " + (secret ? "secret" : "config") + " is one the engine"
                    + " holds already, but " + why + ": give the value with file:, environment:"
                    + (secret ? " or x-slipway.credentialsId:" : " or content:")
                    + " (the runner then keeps it encrypted and mounts it), or deploy to --engine swarm or kubernetes"));
        }
        return out;
    }
}
