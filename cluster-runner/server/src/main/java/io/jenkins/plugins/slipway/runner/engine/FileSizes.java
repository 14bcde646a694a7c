package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.compose.FileMount;

/**
 * The size in bytes of the value a secret or config mount mounts, as the deploy that brings it knows it (the value
 * itself stays with the deploy): an engine that packs several values into one object of limited size (a Kubernetes
 * Secret or ConfigMap) refuses a deploy that would exceed it before anything is stored.
 */
@FunctionalInterface
public interface FileSizes {
    /** Sizes not known (a check outside a deploy): every value counts as empty. */
    FileSizes UNKNOWN = mount -> 0;

    /** Bytes of the value {@code mount} mounts; 0 when not known. */
    long bytes(FileMount mount);
}
