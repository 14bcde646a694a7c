package io.jenkins.plugins.slipway.runner.engine.swarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.Placement;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a replica set into the Swarm service that runs it: one service per service and revision, carrying
 * Slipway's labels on the service and on its tasks' containers. Ports are published in host mode on a port the
 * node picks (the ingress routing mesh needs IPVS, and the router reaches each task on its node anyway).
 * Swarm's own rolling update is never used: a new revision is a new service, and Slipway's strategy moves the
 * replicas and the traffic.
 */
final class SwarmServiceSpecs {
    /** The constraint that pins a service to the node its named volumes live on, the node's id following. */
    static final String PINNED_TO = "node.id == ";
    /** Swarm service names are DNS labels. */
    private static final int MAX_NAME = 63;

    private SwarmServiceSpecs() {
    }

    /**
     * What of the app model this engine does not give a task, by field path: host paths, which would have to exist
     * on every node a task may land on, and the container settings a task has no field for
     * ({@link SwarmTaskSettings#refusals}). Refused at deploy rather than started without them. Named and anonymous
     * volumes and tmpfs are mounts ({@link SwarmVolumes}); secrets and configs are Swarm secrets and configs
     * ({@link SwarmFiles}).
     */
    static List<ApiError.Problem> refusals(AppSpec spec) {
        List<ApiError.Problem> out = new ArrayList<>();
        for (io.jenkins.plugins.slipway.runner.compose.ServiceSpec s : spec.services().values()) {
            s.wiring().mounts().stream().filter(m -> m.type() == ServiceWiring.Mount.Type.BIND).forEach(m -> out.add(
                    new ApiError.Problem("services." + s.name() + ".volumes", "host path " + m.source() + " at "
                            + m.target() + ": --engine swarm does not mount host paths (the path would have to exist,"
                            + " with the same content, on every node a task may run on); use a named volume, or"
                            + " deploy it with --engine docker")));
            out.addAll(SwarmTaskSettings.refusals(s));
        }
        return out;
    }

    /** The labels that find the service of a set again: runner, app, service, revision. */
    static Map<String, String> labels(String runnerId, String app, String service, int revision) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(Labels.SERVICE, service);
        labels.put(Labels.REVISION, String.valueOf(revision));
        return labels;
    }

    /** {@code slipway-shop-web-5-<runner id>}, shortened with a hash when it would not be a DNS label. */
    static String name(String runnerId, String app, String service, int revision) {
        String name = "slipway-" + app + "-" + service + "-" + revision + "-" + runnerId;
        name = name.replaceAll("[^A-Za-z0-9-]", "-");
        if (name.length() <= MAX_NAME) {
            return name;
        }
        return name.substring(0, MAX_NAME - 13) + "-" + sha(name).substring(0, 12);
    }

    /**
     * @param networks the engine names of the networks its tasks join (the service's name is their alias there)
     * @param files    the Swarm secrets and configs its tasks mount ({@link SwarmFiles})
     */
    static ServiceSpec of(String runnerId, ReplicaSetSpec set, List<String> networks, SwarmFiles.Mounts files) {
        return of(runnerId, set, networks, files, SwarmVolumes.Placed.NONE);
    }

    /**
     * @param volumes what its tasks mount, and the node its named volumes live on: a {@code node.id} constraint
     *                pins its tasks there ({@link SwarmVolumes})
     */
    static ServiceSpec of(String runnerId, ReplicaSetSpec set, List<String> networks, SwarmFiles.Mounts files,
                          SwarmVolumes.Placed volumes) {
        io.jenkins.plugins.slipway.runner.compose.ServiceSpec s = set.spec();
        Map<String, String> labels = new LinkedHashMap<>(s.labels());
        labels.putAll(labels(runnerId, set.app(), set.service(), set.revision()));
        List<String> env = new ArrayList<>();
        s.environment().forEach((k, v) -> env.add(k + "=" + v));
        SwarmTaskSettings.Container container = new SwarmTaskSettings.Container();
        container.withImage(s.image()).withLabels(labels).withEnv(env).withStopGracePeriod(s.stopGrace().toNanos());
        if (!files.secrets().isEmpty()) {
            container.withSecrets(files.secrets());
        }
        if (!files.configs().isEmpty()) {
            container.withConfigs(files.configs());
        }
        if (!volumes.mounts().isEmpty()) {
            container.withMounts(volumes.mounts());
        }
        // Swarm's Command is the image's ENTRYPOINT and its Args the CMD.
        if (s.entrypoint() != null) {
            container.withCommand(s.entrypoint());
        }
        if (s.command() != null) {
            container.withArgs(s.command());
        }
        var h = s.healthcheck();
        if (h != null) {
            container.withHealthCheck(h.disabled() ? new HealthCheck().withTest(List.of("NONE"))
                    : new HealthCheck().withTest(h.test()).withInterval(h.interval().toNanos())
                    .withTimeout(h.timeout().toNanos()).withRetries(h.retries())
                    .withStartPeriod(h.startPeriod().toNanos()));
        }
        Placement placement = s.placement() == null ? Placement.ANYWHERE : s.placement();
        TaskSpec task = new TaskSpec().withContainerSpec(container)
                .withRestartPolicy(restartPolicy(s.restartPolicy()))
                .withResources(resources(s, placement))
                .withPlacement(placement(placement, volumes.nodeId()))
                .withNetworks(networks.stream().map(n -> new NetworkAttachmentConfig().withTarget(n)
                        .withAliases(List.of(set.service()))).toList());
        SwarmTaskSettings.apply(s, container, task);
        List<PortConfig> ports = new ArrayList<>();
        for (int port : s.ports()) {
            ports.add(new PortConfig().withProtocol(PortConfigProtocol.TCP).withTargetPort(port)
                    .withPublishMode(PortConfig.PublishMode.host));
        }
        return new ServiceSpec().withName(name(runnerId, set.app(), set.service(), set.revision()))
                .withLabels(labels)
                .withTaskTemplate(task)
                .withMode(new ServiceModeConfig().withReplicated(
                        new ServiceReplicatedModeOptions().withReplicas(set.replicas())))
                // DNS round robin: a virtual IP needs IPVS (docs/swarm.md), and nothing here uses one.
                .withEndpointSpec(new EndpointSpec().withMode(EndpointResolutionMode.DNSRR).withPorts(ports));
    }

    private static ServiceRestartPolicy restartPolicy(io.jenkins.plugins.slipway.runner.compose.ServiceSpec.RestartPolicy p) {
        ServiceRestartCondition condition = switch (p.condition()) {
            case NONE -> ServiceRestartCondition.NONE;
            case ON_FAILURE -> ServiceRestartCondition.ON_FAILURE;
            case ANY -> ServiceRestartCondition.ANY;
        };
        return new ServiceRestartPolicy().withCondition(condition).withDelay(p.delay().toNanos())
                .withMaxAttempts((long) p.maxAttempts()).withWindow(p.window().toNanos());
    }

    private static ResourceRequirements resources(io.jenkins.plugins.slipway.runner.compose.ServiceSpec s,
                                                  Placement placement) {
        ResourceRequirements r = new ResourceRequirements();
        if (s.memoryBytes() > 0 || s.nanoCpus() > 0) {
            ResourceSpecs limits = new ResourceSpecs();
            if (s.memoryBytes() > 0) {
                limits.withMemoryBytes(s.memoryBytes());
            }
            if (s.nanoCpus() > 0) {
                limits.withNanoCPUs(s.nanoCpus());
            }
            r.withLimits(limits);
        }
        if (placement.reservedMemoryBytes() > 0 || placement.reservedNanoCpus() > 0
                || !placement.genericResources().isEmpty()) {
            Reservations reservations = new Reservations(placement.genericResources());
            if (placement.reservedMemoryBytes() > 0) {
                reservations.withMemoryBytes(placement.reservedMemoryBytes());
            }
            if (placement.reservedNanoCpus() > 0) {
                reservations.withNanoCPUs(placement.reservedNanoCpus());
            }
            r.withReservations(reservations);
        }
        return r;
    }

    private static ServicePlacement placement(Placement p, String pinnedNode) {
        SpreadPlacement out = new SpreadPlacement(p.spreads());
        List<String> constraints = new ArrayList<>(p.constraints());
        if (pinnedNode != null) {
            constraints.add(PINNED_TO + pinnedNode);
        }
        out.withConstraints(constraints);
        if (p.maxReplicasPerNode() > 0) {
            out.withMaxReplicas(p.maxReplicasPerNode());
        }
        return out;
    }

    /** docker-java's placement without {@code Preferences}: spread preferences added. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    static final class SpreadPlacement extends ServicePlacement {
        private static final long serialVersionUID = 1L;
        private final List<Map<String, Map<String, String>>> preferences = new ArrayList<>();

        SpreadPlacement(List<String> spreads) {
            spreads.forEach(d -> preferences.add(Map.of("Spread", Map.of("SpreadDescriptor", d))));
        }

        @JsonProperty("Preferences")
        public List<Map<String, Map<String, String>>> getPreferences() {
            return preferences;
        }
    }

    /** docker-java's resource specs without {@code GenericResources}: discrete generic resources added. */
    static final class Reservations extends ResourceSpecs {
        private static final long serialVersionUID = 1L;
        private final List<Map<String, Map<String, Object>>> generic = new ArrayList<>();

        Reservations(Map<String, Long> genericResources) {
            genericResources.forEach((kind, value) -> generic.add(
                    Map.of("DiscreteResourceSpec", Map.of("Kind", kind, "Value", value))));
        }

        @JsonProperty("GenericResources")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<Map<String, Map<String, Object>>> getGenericResources() {
            return generic;
        }
    }

    /** SHA-256 of {@code s} in hex. */
    static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
