package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.compose.FileMount;

/**
 * Where an engine gets the plain value of a secret or config, at the moment it creates a replica and at no other
 * time. The local engine copies it into the created container's filesystem before the container starts; a Swarm
 * engine would create a Swarm secret or config from it, a Kubernetes engine a Secret or ConfigMap. An engine
 * never keeps, logs or labels the value, and never puts it in a container's environment.
 */
@FunctionalInterface
public interface FileValues {
    /** Values of a runner whose apps declare none; asking it for one is an error. */
    FileValues NONE = (app, revision, mount) -> {
        if (mount.content() != null) {
            return mount.content().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new EngineException("no store of secret values: " + mount.kind().key() + "." + mount.source(), null);
    };

    /**
     * The value {@code mount} of {@code app}'s service revision {@code revision} mounts.
     *
     * @throws EngineException when the runner's store does not hold it
     */
    byte[] value(String app, int revision, FileMount mount);
}
