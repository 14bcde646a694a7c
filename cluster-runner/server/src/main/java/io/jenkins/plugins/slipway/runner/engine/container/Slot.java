package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.engine.Labels;

/** One place in the desired state: replica {@code index} of {@code service} at {@code revision}. */
record Slot(String app, String service, int revision, int index) {
    String containerName() {
        return Labels.containerName(app, service, revision, index);
    }

    String displayName() {
        return Labels.replicaName(service, revision, index);
    }
}
