package io.jenkins.plugins.slipway.runner.engine.swarm;

import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.VolumeOptions;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.Placement;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.VolumeRemoval;
import io.jenkins.plugins.slipway.runner.engine.VolumeWriters;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's named volumes on a swarm. A volume is made by the engine of the node that runs the task mounting it,
 * on first use, with the Compose file's driver, options and labels (the service's mount carries them), under the
 * name the Docker engine gives it. A local volume lives on that one node, so every service mounting it, read-only
 * or not, is pinned there with a {@code node.id == <id>} constraint; a service that writes to one runs one replica
 * ({@link #oneReplicaOnly}, as a ReadWriteOnce claim on Kubernetes).
 * <p>
 * The node is chosen the first time a service mounting the volume is created ({@link NodeChoice}) and remembered
 * as a label on that node, {@code io.slipway.volume.<volume name>=<runner>/<app>/<key>}: the manager keeps node
 * labels in its Raft store, so the choice outlives the runner, its database and every service of the app, and it
 * goes when the node leaves the swarm (and with it the data). A label on the service would be lost whenever the
 * app has no service mounting the volume for a while; the manager cannot list a worker's volumes to find it again.
 * <p>
 * An external volume is not pinned: it must exist on every node a task may run on, or come from a volume plugin
 * that spans the nodes; the manager cannot check either.
 */
final class SwarmVolumes {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmVolumes.class);
    /** Prefix of the node label that says a volume lives on that node; the volume's engine name follows. */
    static final String PIN_LABEL = "io.slipway.volume.";

    private final String runnerId;
    private final SwarmClient swarm;
    private volatile String localNodeId;

    SwarmVolumes(String runnerId, SwarmClient swarm) {
        this.runnerId = runnerId;
        this.swarm = swarm;
    }

    /** What a service's task template mounts and the node it is pinned to (null: anywhere). */
    record Placed(List<Mount> mounts, String nodeId) {
        static final Placed NONE = new Placed(List.of(), null);

        Placed {
            mounts = List.copyOf(mounts);
        }
    }

    /**
     * The node a service's tasks must run on because of a named volume it mounts.
     *
     * @param volume   the key of the volume that decided it
     * @param recorded the choice is on the node's labels; false when it was only worked out (the plan)
     */
    record Pin(String nodeId, String hostname, boolean ready, String volume, boolean recorded) {
    }

    /**
     * The set's mounts, and the node its volumes live on: chosen and recorded now when none of them has one yet.
     *
     * @throws EngineException when no node that is up meets the service's constraints, its volumes live on two
     *                         nodes, or the node of its volume is one its constraints exclude
     */
    synchronized Placed place(String app, ServiceSpec s, AppResources resources) {
        List<Mount> mounts = mounts(runnerId, app, s, resources);
        Pin pin = pin(app, s, resources, swarm.nodes().values(), true);
        return new Placed(mounts, pin == null ? null : pin.nodeId());
    }

    /**
     * Where each service of {@code spec} that mounts a named volume would run, for the plan and the deploy's
     * warnings ("web: pinned to node ... because of named volume data"); nothing is recorded.
     */
    Map<String, String> rules(String app, AppSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        List<ServiceSpec> mounting = spec.services().values().stream()
                .filter(s -> !pinnedKeys(s, spec.resources()).isEmpty()).toList();
        if (mounting.isEmpty()) {
            return out;
        }
        List<SwarmClient.Node> nodes;
        try {
            nodes = List.copyOf(swarm.nodes().values());
        } catch (EngineException e) {
            mounting.forEach(s -> out.put(s.name(), s.name() + ": pinned to the node that holds named volume "
                    + pinnedKeys(s, spec.resources()).get(0) + ", chosen when its service is created (the manager"
                    + " did not answer now: " + e.getMessage() + ")"));
            return out;
        }
        for (ServiceSpec s : mounting) {
            try {
                Pin pin = pin(app, s, spec.resources(), nodes, false);
                out.put(s.name(), s.name() + ": pinned to node " + pin.hostname() + " (node.id == " + pin.nodeId()
                        + ") because of named volume " + pin.volume() + (pin.recorded()
                        ? ", which lives on that node" : ", which will be made there (chosen now, remembered on the"
                        + " node when the service is first created)") + (pin.ready() ? "" : "; the node is down:"
                        + " its tasks wait for it"));
            } catch (EngineException e) {
                out.put(s.name(), s.name() + ": cannot start yet: " + e.getMessage());
            }
        }
        return out;
    }

    /** The engine names of the app's volumes the swarm keeps, with the node each lives on remembered. */
    List<String> names(String app) {
        return pins(app).keySet().stream().sorted().toList();
    }

    /**
     * Forgets where the app's volumes live and removes them, once its services are gone. Only the manager's own
     * volumes can be removed: the Engine API of a worker is not reachable through the manager's, so a volume on a
     * worker stays there, logged and in the answer's {@link VolumeRemoval#left()} with the command that removes it.
     */
    VolumeRemoval remove(String app, long deadlineNanos) {
        Map<String, String> pins = pins(app);
        String local = localNodeId();
        Map<String, SwarmClient.Node> nodes = swarm.nodes();
        List<String> removed = new ArrayList<>();
        List<VolumeRemoval.Left> left = new ArrayList<>();
        for (Map.Entry<String, String> pin : pins.entrySet()) {
            String volume = pin.getKey();
            String nodeId = pin.getValue();
            if (nodeId.equals(local)) {
                // The tasks' containers leave the node a moment after their service: the volume is in use until then.
                while (!swarm.removeLocalVolume(volume)) {
                    if (System.nanoTime() - deadlineNanos > 0) {
                        throw new EngineException("volume " + volume + " of app " + app + " is still in use; try again",
                                null);
                    }
                    pause();
                }
                removed.add(volume);
            } else {
                SwarmClient.Node node = nodes.get(nodeId);
                String where = node == null ? nodeId : node.hostname();
                String reason = "the manager's API does not reach a worker's volumes; remove it on node " + where
                        + " with: docker volume rm " + volume;
                LOG.warn("App {}: volume {} stays on node {}: {}", app, volume, where, reason);
                left.add(new VolumeRemoval.Left(volume, where, reason));
            }
            swarm.relabelNode(nodeId, Map.of(), List.of(PIN_LABEL + volume));
        }
        return new VolumeRemoval(removed, left);
    }

    /** Volume engine name to the node it is pinned to, for the app's volumes of this runner. */
    private Map<String, String> pins(String app) {
        String prefix = runnerId + "/" + app + "/";
        Map<String, String> out = new LinkedHashMap<>();
        swarm.nodes().values().stream().sorted(Comparator.comparing(SwarmClient.Node::id)).forEach(n ->
                n.labels().forEach((k, v) -> {
                    if (k.startsWith(PIN_LABEL) && v.startsWith(prefix)) {
                        out.putIfAbsent(k.substring(PIN_LABEL.length()), n.id());
                    }
                }));
        return out;
    }

    private Pin pin(String app, ServiceSpec s, AppResources resources, java.util.Collection<SwarmClient.Node> nodes,
                    boolean record) {
        Decision d = decide(runnerId, app, s, resources, nodes, localNodeId());
        if (d == null) {
            return null;
        }
        if (record && !d.labels().isEmpty()) {
            swarm.relabelNode(d.node().id(), d.labels(), List.of());
            LOG.info("App {}: volume(s) {} of service {} pinned to node {} ({})", app, d.labels().keySet().stream()
                    .map(label -> label.substring(PIN_LABEL.length())).toList(), s.name(), d.node().hostname(),
                    d.node().id());
        }
        return new Pin(d.node().id(), d.node().hostname(), d.node().ready(), d.volume(), record || !d.chosenNow());
    }

    /**
     * Where a service's named volumes live or are to be made.
     *
     * @param labels    the node labels to add for volumes not pinned yet (label to {@code runner/app/key})
     * @param volume    the key of the volume that decided the node
     * @param chosenNow no volume of the service had a node: this one was chosen
     */
    record Decision(SwarmClient.Node node, Map<String, String> labels, String volume, boolean chosenNow) {
    }

    /**
     * The node a service's tasks must run on, given the nodes and their labels: the node one of its volumes is
     * pinned to, or one chosen for them ({@link NodeChoice}); null when it mounts no volume this engine makes.
     *
     * @throws EngineException when its volumes live on different nodes, its constraints exclude their node, or no
     *                         node that is up meets them
     */
    static Decision decide(String runnerId, String app, ServiceSpec s, AppResources resources,
                           java.util.Collection<SwarmClient.Node> nodes, String localNodeId) {
        List<String> keys = pinnedKeys(s, resources);
        if (keys.isEmpty()) {
            return null;
        }
        List<String> constraints = (s.placement() == null ? Placement.ANYWHERE : s.placement()).constraints();
        List<SwarmClient.Node> sorted = nodes.stream().sorted(Comparator.comparing(SwarmClient.Node::id)).toList();
        Map<String, SwarmClient.Node> where = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : keys) {
            String label = PIN_LABEL + volumeName(runnerId, app, key, resources.volumes().get(key));
            sorted.stream().filter(n -> n.labels().containsKey(label)).findFirst()
                    .ifPresentOrElse(n -> where.put(key, n), () -> labels.put(label, runnerId + "/" + app + "/" + key));
        }
        Set<String> distinct = new LinkedHashSet<>();
        where.values().forEach(n -> distinct.add(n.id()));
        if (distinct.size() > 1) {
            StringBuilder b = new StringBuilder("service " + s.name() + " mounts named volumes that live on different"
                    + " nodes:");
            where.forEach((key, n) -> b.append(' ').append(key).append(" on ").append(n.hostname()).append(','));
            b.setLength(b.length() - 1);
            throw new EngineException(b + "; a task runs on one node: mount them from different services", null);
        }
        if (where.isEmpty()) {
            SwarmClient.Node node = NodeChoice.choose(sorted, localNodeId, constraints).orElseThrow(() ->
                    new EngineException("no node that is up and active meets the placement constraints of service "
                            + s.name() + (constraints.isEmpty() ? "" : " (" + String.join(", ", constraints) + ")")
                            + " to make named volume " + keys.get(0) + " on", null));
            return new Decision(node, labels, keys.get(0), true);
        }
        Map.Entry<String, SwarmClient.Node> first = where.entrySet().iterator().next();
        SwarmClient.Node node = first.getValue();
        List<String> excluding = constraints.stream().filter(c -> !NodeChoice.matches(c, node)).toList();
        if (!excluding.isEmpty()) {
            throw new EngineException("named volume " + first.getKey() + " lives on node " + node.hostname()
                    + ", which the placement constraints of service " + s.name() + " exclude ("
                    + String.join(", ", excluding) + "); keep that node in the constraints", null);
        }
        return new Decision(node, labels, first.getKey(), false);
    }

    private String localNodeId() {
        String id = localNodeId;
        if (id == null) {
            id = swarm.localNodeId();
            localNodeId = id;
        }
        return id;
    }

    /**
     * What a service's tasks mount: its named volumes (made on first use with the file's driver, options and
     * labels), anonymous volumes (each task's own, removed with its container) and tmpfs. Host paths are refused
     * before ({@link SwarmServiceSpecs#refusals}).
     */
    static List<Mount> mounts(String runnerId, String app, ServiceSpec s, AppResources resources) {
        List<Mount> out = new ArrayList<>();
        for (ServiceWiring.Mount m : s.wiring().mounts()) {
            Mount mount = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
            switch (m.type()) {
                case VOLUME -> {
                    mount.withType(MountType.VOLUME);
                    if (m.source() != null) {
                        AppResources.Volume v = resources.volumes().get(m.source());
                        mount.withSource(volumeName(runnerId, app, m.source(), v));
                        if (v == null || !v.external()) {
                            mount.withVolumeOptions(volumeOptions(runnerId, app, m.source(), v));
                        }
                    }
                }
                case TMPFS -> {
                    mount.withType(MountType.TMPFS);
                    if (m.sizeBytes() > 0) {
                        mount.withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.sizeBytes()));
                    }
                }
                case BIND -> throw new IllegalArgumentException("host path " + m.source() + " of " + s.name()
                        + " reached the Swarm engine: it refuses them at deploy");
            }
            out.add(mount);
        }
        return out;
    }

    /** The labels the Docker engine gives the volume, and its driver and options when the file names any. */
    private static VolumeOptions volumeOptions(String runnerId, String app, String key, AppResources.Volume v) {
        Map<String, String> labels = new LinkedHashMap<>(v == null ? Map.of() : v.labels());
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(Labels.VOLUME, key);
        VolumeOptions options = new VolumeOptions().withLabels(labels);
        if (v != null && (v.driver() != null || !v.driverOpts().isEmpty())) {
            options.withDriverConfig(new Driver().withName(v.driver() == null ? "local" : v.driver())
                    .withOptions(v.driverOpts()));
        }
        return options;
    }

    /** The engine name of a volume, as the Docker engine names it: the file's {@code name}, or per runner and app. */
    static String volumeName(String runnerId, String app, String key, AppResources.Volume v) {
        return v != null && v.name() != null ? v.name() : Labels.resourceName(app, key, runnerId);
    }

    /** The keys of the named volumes the service mounts that this engine makes (external ones are not pinned). */
    static List<String> pinnedKeys(ServiceSpec s, AppResources resources) {
        return s.wiring().mounts().stream()
                .filter(m -> m.type() == ServiceWiring.Mount.Type.VOLUME && m.source() != null)
                .map(ServiceWiring.Mount::source)
                .filter(key -> resources.volumes().get(key) == null || !resources.volumes().get(key).external())
                .distinct().toList();
    }

    /**
     * The services that write to a volume this engine makes, each with why it runs one replica: the volume lives on
     * one node, and two writers on one data directory are what {@code RevisionOverlap} prevents between revisions
     * (the Kubernetes engine says the same of its ReadWriteOnce claims). An external volume may span the nodes:
     * the user knows, the engine does not ask.
     */
    static Map<String, String> oneReplicaOnly(AppSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        VolumeWriters.of(spec).forEach((service, volume) -> out.put(service, "it writes to named volume " + volume
                + ", a local volume that lives on one node, where every task of the service is pinned (mount it"
                + " read-only, or use an external volume whose driver spans the nodes)"));
        return out;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while removing volumes", e);
        }
    }
}
