package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a service spec and a slot into what the engine starts. */
final class ReplicaSpecs {
    private ReplicaSpecs() {
    }

    /**
     * @param resources   the app's networks and volumes as prepared
     * @param names       engine names of the app's networks and volumes
     * @param publishHost where ports with a host port and no address of their own are published
     * @param values      where the plain values of the service's secrets and configs come from, now and only now
     */
    static ReplicaSpec of(String runnerId, Slot slot, ServiceSpec s, AppResources resources,
                          AppNetworksAndVolumes names, String publishHost, FileValues values) {
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
                s.ports(), health, s.memoryBytes(), s.nanoCpus(), attachments(slot, s, resources, names, publishHost),
                files(slot, s, values), s.stopGrace());
    }

    /**
     * The container of a one-shot service's task: wired, mounted and set up as a replica of the service at that
     * revision would be, but named and labelled as a task (no app label, so a converge never takes it for a
     * replica), with no port and no health check.
     */
    static ReplicaSpec forTask(String runnerId, String taskId, Slot slot, TaskSpec.AppService task,
                               AppNetworksAndVolumes names, String publishHost, FileValues values) {
        ServiceSpec s = task.spec();
        Map<String, String> labels = new LinkedHashMap<>(s.labels());
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.TASK, taskId);
        return new ReplicaSpec(Labels.engineName("slipway-task-" + taskId, runnerId), s.image(), s.command(), s.entrypoint(),
                s.environment(), labels, List.of(), null, s.memoryBytes(), s.nanoCpus(),
                attachments(slot, s, task.resources(), names, publishHost), files(slot, s, values), s.stopGrace());
    }

    /** The plain values, fetched only now that the replica is being created. */
    private static List<ReplicaSpec.File> files(Slot slot, ServiceSpec s, FileValues values) {
        List<ReplicaSpec.File> out = new ArrayList<>();
        for (FileMount m : s.files()) {
            out.add(new ReplicaSpec.File(m.target(), m.uid(), m.gid(), m.mode(),
                    values.value(slot.app(), slot.revision(), m)));
        }
        return out;
    }

    private static ReplicaSpec.Attachments attachments(Slot slot, ServiceSpec s, AppResources resources,
                                                       AppNetworksAndVolumes names, String publishHost) {
        if (resources == null) {
            throw new EngineException("the networks and volumes of app " + slot.app() + " are not ready: "
                    + names.preparationFailure(slot.app()), null);
        }
        ServiceWiring w = s.wiring();
        Map<String, List<String>> networks = new LinkedHashMap<>();
        List<ServiceWiring.Mount> mounts = new ArrayList<>();
        w.networks().forEach((key, aliases) -> {
                AppResources.Network n = resources.networks().get(key);
                if (n == null) {
                    throw new EngineException("network " + key + " of service " + s.name() + " is not prepared", null);
                }
                List<String> names1 = new ArrayList<>();
                names1.add(s.name());
                aliases.stream().filter(a -> !names1.contains(a)).forEach(names1::add);
                networks.put(names.networkName(slot.app(), key, n), names1);
        });
        for (ServiceWiring.Mount m : w.mounts()) {
            if (m.type() == ServiceWiring.Mount.Type.VOLUME && m.source() != null) {
                AppResources.Volume v = resources.volumes().get(m.source());
                if (v == null) {
                    throw new EngineException("volume " + m.source() + " of service " + s.name() + " is not prepared", null);
                }
                mounts.add(new ServiceWiring.Mount(m.type(), names.volumeName(slot.app(), m.source(), v), m.target(),
                        m.readOnly(), m.sizeBytes()));
            } else {
                mounts.add(m);
            }
        }
        List<ServiceWiring.PublishedPort> published = w.published().stream()
                .map(p -> new ServiceWiring.PublishedPort(p.hostIp() == null ? publishHost : p.hostIp(), p.hostPort(),
                        p.containerPort(), p.protocol()))
                .toList();
        return new ReplicaSpec.Attachments(networks, published, mounts, w.readOnly(), s.settings());
    }
}
