package io.jenkins.plugins.slipway.runner.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateNetworkCmd;
import com.github.dockerjava.api.command.CreateVolumeCmd;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.NetworkAddress;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.TaskEngine;
import io.jenkins.plugins.slipway.runner.engine.container.ContainerRuntime;
import io.jenkins.plugins.slipway.runner.engine.container.ReplicaSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default engine's containers: the local Docker daemon through docker-java's httpclient5 transport. Ports are
 * published on {@code publishHost} (loopback unless configured), and each replica's endpoints are the bindings
 * the daemon reports. Docker's own restart policy is not used (the runner counts attempts across its restarts),
 * the daemon runs the health checks, and one daemon is one node. Every call is bounded by the transport's
 * response timeout, and pulls by an explicit deadline.
 */
public final class DockerContainers implements ContainerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(DockerContainers.class);
    private static final Capabilities CAPABILITIES = new Capabilities(false, false, true, false);
    private static final Pattern EXIT = Pattern.compile("Exited \\((-?\\d+)\\)");
    private static final Pattern DAEMON_MESSAGE = Pattern.compile("\\{\"message\":\"(.*)\"\\}", Pattern.DOTALL);
    private static final Duration PULL_DEADLINE = Duration.ofMinutes(5);
    /** The longest a task's log stream may stay silent; the runner caps a task's timeout below it. */
    public static final Duration TASK_STREAM_DEADLINE = Duration.ofHours(25);
    /** The longest one stats reading may take before the autoscaler goes on without it. */
    static final Duration STATS_DEADLINE = Duration.ofSeconds(5);

    private final DockerClient docker;
    private final DefaultDockerClientConfig config;
    private final String publishHost;
    /** Made on first use, with the client for task log streams. */
    private DockerTasks tasks;
    private DockerClient streams;
    /** Made on first use, with its own short-deadline client: see {@link #stats()}. */
    private ApacheDockerHttpClient statsHttp;
    /** The daemon's name, as {@code docker info} says it: the node every replica runs on. */
    private volatile String node = "local";

    /**
     * @param dockerHost  the daemon, as {@code DOCKER_HOST} names it
     * @param publishHost where container ports are published: the address the router reaches replicas on
     */
    public DockerContainers(String dockerHost, String publishHost) {
        this.publishHost = publishHost;
        this.config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
        this.docker = client(64, Duration.ofSeconds(45));
    }

    private DockerClient client(int maxConnections, Duration responseTimeout) {
        return DockerClientImpl.getInstance(config, http(maxConnections, responseTimeout));
    }

    private ApacheDockerHttpClient http(int maxConnections, Duration responseTimeout) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(responseTimeout)
                .build();
    }

    /**
     * Tasks through a second client for their log streams and stops, whose deadline is a task's longest life: a
     * task may write nothing for as long as it runs, and the control client would cut its stream after 45 s.
     */
    @Override
    public synchronized TaskEngine tasks(String runnerId) {
        return dockerTasks(runnerId);
    }

    @Override
    public TaskEngine.TaskContainer startTask(String runnerId, String taskId, ReplicaSpec container,
                                              TaskEngine.Output output) {
        return dockerTasks(runnerId).start(taskId, container.image(), () -> {
            String id = create(container);
            copyFiles(id, container);
            return id;
        }, output);
    }

    private synchronized DockerTasks dockerTasks(String runnerId) {
        if (tasks == null) {
            streams = client(64, TASK_STREAM_DEADLINE);
            tasks = new DockerTasks(docker, streams, runnerId, this::pull);
        }
        return tasks;
    }

    /**
     * Container stats through a client of their own: a reading answers in milliseconds, so its deadline is
     * {@link #STATS_DEADLINE}, not the control client's 45 s, and its few connections never queue behind a pull.
     */
    @Override
    public synchronized ReplicaStats stats() {
        if (statsHttp == null) {
            statsHttp = http(4, STATS_DEADLINE);
        }
        return new DockerStats(statsHttp);
    }

    /** Fails fast with a clear message when the daemon is not there. */
    public void ping() {
        try {
            docker.pingCmd().exec();
            String name = docker.infoCmd().exec().getName();
            if (name != null && !name.isBlank()) {
                node = name;
            }
        } catch (RuntimeException e) {
            throw new EngineException("the Docker engine does not answer: " + reason(e)
                    + " (is the daemon running and DOCKER_HOST right?)", e);
        }
    }

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Replica start(ReplicaSpec spec) {
        String id;
        try {
            id = create(spec);
        } catch (NotFoundException e) {
            pull(spec.image());
            id = create(spec);
        }
        copyFiles(id, spec);
        try {
            docker.startContainerCmd(id).exec();
        } catch (NotModifiedException e) {
            // already running: a retry after a timeout that did start it
        } catch (RuntimeException e) {
            throw new EngineException("starting " + spec.name() + " failed: " + reason(e), e);
        }
        // Ports and health are read by the next list; an extra inspect per start would only slow a big rollout.
        return new Replica(id, spec.name(), spec.labels(), Replica.State.RUNNING, 0, Replica.Health.NONE, node, Map.of());
    }

    /**
     * Writes the replica's secrets and configs into the created container's filesystem before it starts, as one
     * tar archive the daemon unpacks at {@code /} (creating missing parent directories, root-owned, 0755). Never
     * the environment, a label or a bind mount of a host file: the value exists only inside the container (on
     * this engine, in its writable layer, which the daemon removes with the container). A container that
     * cannot get its files is removed, never started without them.
     */
    private void copyFiles(String id, ReplicaSpec spec) {
        if (spec.files().isEmpty()) {
            return;
        }
        try {
            docker.copyArchiveToContainerCmd(id).withRemotePath("/")
                    .withTarInputStream(new java.io.ByteArrayInputStream(FileArchive.tar(spec.files()))).exec();
        } catch (RuntimeException e) {
            remove(id, Duration.ZERO);
            throw new EngineException("writing the secrets and configs of " + spec.name() + " failed: " + reason(e), e);
        }
    }

    private String create(ReplicaSpec spec) {
        Ports bindings = new Ports();
        List<ExposedPort> exposed = new ArrayList<>();
        for (int port : spec.ports()) {
            ExposedPort p = ExposedPort.tcp(port);
            exposed.add(p);
            bindings.bind(p, Ports.Binding.bindIp(publishHost));
        }
        ReplicaSpec.Attachments attachments = spec.attachments();
        for (var published : attachments.published()) {
            ExposedPort p = "udp".equals(published.protocol()) ? ExposedPort.udp(published.containerPort())
                    : ExposedPort.tcp(published.containerPort());
            if (!exposed.contains(p)) {
                exposed.add(p);
            }
            bindings.bind(p, Ports.Binding.bindIpAndPort(published.hostIp(), published.hostPort()));
        }
        HostConfig host = HostConfig.newHostConfig().withPortBindings(bindings);
        List<String> networks = new ArrayList<>(attachments.networks().keySet());
        if (!networks.isEmpty()) {
            host.withNetworkMode(networks.get(0));
        }
        ContainerOptions.apply(attachments, host);
        if (spec.memoryBytes() > 0) {
            host.withMemory(spec.memoryBytes());
        }
        if (spec.nanoCpus() > 0) {
            host.withNanoCPUs(spec.nanoCpus());
        }
        List<String> env = new ArrayList<>();
        spec.environment().forEach((k, v) -> env.add(k + "=" + v));
        try (CreateContainerCmd cmd = docker.createContainerCmd(spec.image())) {
            cmd.withName(spec.name()).withLabels(spec.labels()).withEnv(env)
                    .withExposedPorts(exposed).withHostConfig(host);
            if (spec.stopGrace() != null) {
                // So that the daemon gives the same grace when it stops the container itself (its own restart).
                cmd.withStopTimeout((int) Math.min(Integer.MAX_VALUE, spec.stopGrace().toSeconds()));
            }
            ContainerOptions.apply(attachments.settings(), cmd);
            if (!networks.isEmpty()) {
                // The first network is given at create (with its aliases); the others are joined before start.
                cmd.withAliases(attachments.networks().get(networks.get(0)));
            }
            if (spec.command() != null) {
                cmd.withCmd(spec.command());
            }
            if (spec.entrypoint() != null) {
                cmd.withEntrypoint(spec.entrypoint());
            }
            if (spec.healthcheck() != null) {
                ReplicaSpec.Health h = spec.healthcheck();
                cmd.withHealthcheck(new HealthCheck().withTest(h.test().isEmpty() ? List.of("NONE") : h.test())
                        .withInterval(h.intervalNanos()).withTimeout(h.timeoutNanos())
                        .withRetries(h.retries()).withStartPeriod(h.startPeriodNanos()));
            }
            String id = cmd.exec().getId();
            joinOtherNetworks(id, spec, networks);
            return id;
        } catch (NotFoundException e) {
            if (String.valueOf(e.getMessage()).contains("network")) {
                throw new EngineException("creating " + spec.name() + " failed: " + reason(e), e);
            }
            throw e;
        } catch (ConflictException e) {
            throw new EngineException("a container named " + spec.name() + " already exists", e);
        } catch (RuntimeException e) {
            throw new EngineException("creating " + spec.name() + " from " + spec.image() + " failed: " + reason(e), e);
        }
    }

    private void joinOtherNetworks(String id, ReplicaSpec spec, List<String> networks) {
        for (String network : networks.subList(Math.min(1, networks.size()), networks.size())) {
            try {
                docker.connectToNetworkCmd().withContainerId(id).withNetworkId(network)
                        .withContainerNetwork(new ContainerNetwork().withAliases(spec.attachments().networks().get(network)))
                        .exec();
            } catch (RuntimeException e) {
                remove(id, Duration.ZERO);
                throw new EngineException("connecting " + spec.name() + " to network " + network + " failed: "
                        + reason(e), e);
            }
        }
    }

    @Override
    public void ensureNetwork(String name, AppResources.Network network, Map<String, String> labels) {
        if (networkExists(name)) {
            return;
        }
        try (CreateNetworkCmd cmd = docker.createNetworkCmd()) {
            cmd.withName(name).withLabels(labels).withOptions(network.driverOpts()).withInternal(network.internal())
                    .withCheckDuplicate(true);
            if (network.driver() != null) {
                cmd.withDriver(network.driver());
            }
            cmd.exec();
            LOG.info("Created network {}", name);
        } catch (ConflictException e) {
            // created meanwhile by a pass that overlapped
        } catch (RuntimeException e) {
            throw new EngineException("creating network " + name + " failed: " + reason(e), e);
        }
    }

    @Override
    public void ensureVolume(String name, AppResources.Volume volume, Map<String, String> labels) {
        if (volumeExists(name)) {
            return;
        }
        try (CreateVolumeCmd cmd = docker.createVolumeCmd()) {
            cmd.withName(name).withLabels(labels).withDriverOpts(volume.driverOpts());
            if (volume.driver() != null) {
                cmd.withDriver(volume.driver());
            }
            cmd.exec();
            LOG.info("Created volume {}", name);
        } catch (RuntimeException e) {
            throw new EngineException("creating volume " + name + " failed: " + reason(e), e);
        }
    }

    @Override
    public boolean networkExists(String name) {
        try {
            docker.inspectNetworkCmd().withNetworkId(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw new EngineException("looking for network " + name + " failed: " + reason(e), e);
        }
    }

    @Override
    public NetworkAddress networkAddress(String name) {
        Network n;
        try {
            n = docker.inspectNetworkCmd().withNetworkId(name).exec();
        } catch (NotFoundException e) {
            return null;
        } catch (RuntimeException e) {
            throw new EngineException("looking for network " + name + " failed: " + reason(e), e);
        }
        if (!"bridge".equals(n.getDriver()) || n.getIpam() == null || n.getIpam().getConfig() == null) {
            return null;
        }
        return n.getIpam().getConfig().stream()
                .filter(c -> c.getGateway() != null && c.getSubnet() != null && !c.getSubnet().contains(":"))
                .map(c -> new NetworkAddress(name, c.getGateway(), c.getSubnet())).findFirst().orElse(null);
    }

    @Override
    public boolean volumeExists(String name) {
        try {
            docker.inspectVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw new EngineException("looking for volume " + name + " failed: " + reason(e), e);
        }
    }

    @Override
    public List<String> networks(Map<String, String> labels) {
        try {
            return docker.listNetworksCmd().withFilter("label", labelFilter(labels)).exec().stream()
                    .map(Network::getName).toList();
        } catch (RuntimeException e) {
            throw new EngineException("listing networks failed: " + reason(e), e);
        }
    }

    @Override
    public List<String> volumes(Map<String, String> labels) {
        try {
            var answer = docker.listVolumesCmd().withFilter("label", labelFilter(labels)).exec();
            return answer.getVolumes() == null ? List.of()
                    : answer.getVolumes().stream().map(InspectVolumeResponse::getName).toList();
        } catch (RuntimeException e) {
            throw new EngineException("listing volumes failed: " + reason(e), e);
        }
    }

    private static List<String> labelFilter(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    @Override
    public void removeNetwork(String name) {
        try {
            docker.removeNetworkCmd(name).exec();
            LOG.info("Removed network {}", name);
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new EngineException("removing network " + name + " failed: " + reason(e), e);
        }
    }

    @Override
    public void removeVolume(String name) {
        try {
            docker.removeVolumeCmd(name).exec();
            LOG.info("Removed volume {}", name);
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new EngineException("removing volume " + name + " failed: " + reason(e), e);
        }
    }

    private void pull(String image) {
        LOG.info("Pulling {}", image);
        try {
            boolean done = docker.pullImageCmd(image).start().awaitCompletion(PULL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                throw new EngineException("pulling " + image + " took longer than " + PULL_DEADLINE.toMinutes() + " min", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while pulling " + image, e);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException("image " + image + " is not on the engine and pulling it failed: " + reason(e), e);
        }
    }

    @Override
    public List<Replica> list(Map<String, String> labels) {
        List<Container> containers;
        try {
            containers = docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
        } catch (RuntimeException e) {
            throw new EngineException("listing containers failed: " + reason(e), e);
        }
        List<Replica> out = new ArrayList<>();
        for (Container c : containers) {
            out.add(replica(c));
        }
        return out;
    }

    private Replica replica(Container c) {
        String status = c.getStatus() == null ? "" : c.getStatus();
        Replica.State state = switch (c.getState() == null ? "" : c.getState()) {
            case "created" -> Replica.State.CREATED;
            case "running" -> Replica.State.RUNNING;
            case "exited", "dead" -> Replica.State.EXITED;
            default -> Replica.State.OTHER;
        };
        int exit = 0;
        Matcher m = EXIT.matcher(status);
        if (m.find()) {
            exit = Integer.parseInt(m.group(1));
        }
        Replica.Health health = status.contains("(healthy)") ? Replica.Health.HEALTHY
                : status.contains("(unhealthy)") ? Replica.Health.UNHEALTHY
                : status.contains("(health: starting)") ? Replica.Health.STARTING : Replica.Health.NONE;
        Map<Integer, Endpoint> endpoints = new HashMap<>();
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (p.getPublicPort() != null && p.getPrivatePort() != null
                        && (p.getIp() == null || p.getIp().equals(publishHost))) {
                    endpoints.put(p.getPrivatePort(), new Endpoint(publishHost, p.getPublicPort()));
                }
            }
        }
        String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", "");
        return new Replica(c.getId(), name, c.getLabels() == null ? Map.of() : c.getLabels(), state, exit, health, node, endpoints);
    }

    @Override
    public void remove(String id, Duration grace) {
        try {
            docker.stopContainerCmd(id).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // already gone or already stopped
        } catch (RuntimeException e) {
            LOG.warn("Stopping {} failed, removing it by force: {}", id, e.getMessage());
        }
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            // removal already in progress
        } catch (RuntimeException e) {
            throw new EngineException("removing container " + id + " failed: " + reason(e), e);
        }
    }

    @Override
    public AutoCloseable onExit(Map<String, String> labels, Consumer<String> listener) {
        return DockerEvents.follow("Docker", () -> docker.eventsCmd().withEventFilter("die").withLabelFilter(labels),
                event -> {
                    if (event.getId() != null) {
                        listener.accept(event.getId());
                    }
                });
    }

    /** The daemon's own words: docker-java wraps them as {@code Status 500: {"message":"..."}}. */
    public static String reason(RuntimeException e) {
        String m = String.valueOf(e.getMessage()).trim();
        Matcher json = DAEMON_MESSAGE.matcher(m);
        if (json.find()) {
            return json.group(1).replace("\\\"", "\"");
        }
        return m;
    }

    @Override
    public void close() {
        try {
            docker.close();
            synchronized (this) {
                if (streams != null) {
                    streams.close();
                }
                if (statsHttp != null) {
                    statsHttp.close();
                }
            }
        } catch (IOException e) {
            LOG.debug("Closing the Docker client: {}", e.toString());
        }
    }
}
