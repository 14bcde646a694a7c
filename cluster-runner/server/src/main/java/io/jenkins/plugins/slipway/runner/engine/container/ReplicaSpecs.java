package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a service spec and a slot into what the engine starts. */
final class ReplicaSpecs {
    private ReplicaSpecs() {
    }

    static ReplicaSpec of(String runnerId, Slot slot, ServiceSpec s) {
        Map<String, String> labels = new LinkedHashMap<>(s.labels());
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, slot.app());
        labels.put(Labels.SERVICE, slot.service());
        labels.put(Labels.REVISION, String.valueOf(slot.revision()));
        labels.put(Labels.REPLICA, String.valueOf(slot.index()));
        ReplicaSpec.Health health = null;
        ServiceSpec.Healthcheck h = s.healthcheck();
        if (h != null) {
            health = h.disabled() ? new ReplicaSpec.Health(List.of(), 0, 0, 0, 0)
                    : new ReplicaSpec.Health(h.test(), h.interval().toNanos(), h.timeout().toNanos(), h.retries(),
                    h.startPeriod().toNanos());
        }
        return new ReplicaSpec(Labels.engineName(slot.containerName(), runnerId), s.image(), s.command(), s.entrypoint(), s.environment(), labels,
                s.ports(), health, s.memoryBytes(), s.nanoCpus(), s.stopGrace());
    }
}
