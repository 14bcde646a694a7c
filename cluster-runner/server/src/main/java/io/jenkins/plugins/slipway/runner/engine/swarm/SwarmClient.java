package io.jenkins.plugins.slipway.runner.engine.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.jenkins.plugins.slipway.runner.engine.docker.DockerContainers;
import io.jenkins.plugins.slipway.runner.engine.docker.DockerEvents;
import com.github.dockerjava.transport.DockerHttpClient;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls the Swarm engine makes on a manager: services through docker-java's service API, nodes, and tasks
 * read from the API directly (their published host ports are not in docker-java's model). Every call is bounded
 * by the transport's response timeout.
 */
final class SwarmClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerHttpClient http;
    private final DockerClient docker;

    /**
     * A node as the router needs it (its name, the address its host-mode ports answer on, whether it is up) and
     * as a placement constraint reads it (role, labels, platform).
     *
     * @param active       availability {@code active}: it takes new tasks (not paused or drained)
     * @param labels       the node's labels ({@code node.labels.*}), Slipway's volume pins among them
     * @param engineLabels the labels of its Docker engine ({@code engine.labels.*})
     */
    record Node(String id, String hostname, String address, boolean ready, String role, boolean active,
                Map<String, String> labels, Map<String, String> engineLabels, String os, String arch) {
        Node {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            engineLabels = engineLabels == null ? Map.of() : Map.copyOf(engineLabels);
        }
    }

    SwarmClient(String dockerHost) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        this.http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        this.docker = DockerClientImpl.getInstance(config, http);
    }

    /** Fails with a clear message unless the daemon answers and is a manager of an active swarm. */
    void requireManager() {
        Info info;
        try {
            info = docker.infoCmd().exec();
        } catch (RuntimeException e) {
            throw new EngineException("the Docker engine does not answer: " + DockerContainers.reason(e)
                    + " (is the daemon running and DOCKER_HOST right?)", e);
        }
        var swarm = info.getSwarm();
        String state = swarm == null || swarm.getLocalNodeState() == null ? "inactive"
                : swarm.getLocalNodeState().name().toLowerCase(java.util.Locale.ROOT);
        if (!"active".equals(state) || !Boolean.TRUE.equals(swarm.getControlAvailable())) {
            throw new EngineException("--engine swarm needs a Swarm manager, but the engine at DOCKER_HOST is "
                    + ("active".equals(state) ? "a worker" : "not in a swarm (" + state + ")")
                    + ": run the runner on a manager (docker swarm init) or point DOCKER_HOST at one", null);
        }
    }

    List<Service> services(Map<String, String> labels) {
        try {
            return docker.listServicesCmd().withLabelFilter(labels).exec();
        } catch (RuntimeException e) {
            throw new EngineException("listing services failed: " + DockerContainers.reason(e), e);
        }
    }

    void create(ServiceSpec spec) {
        try {
            docker.createServiceCmd(spec).exec();
        } catch (RuntimeException e) {
            throw new EngineException("creating service " + spec.getName() + " failed: " + DockerContainers.reason(e), e);
        }
    }

    void update(Service service, ServiceSpec spec) {
        try {
            docker.updateServiceCmd(service.getId(), spec).withVersion(service.getVersion().getIndex()).exec();
        } catch (RuntimeException e) {
            throw new EngineException("updating service " + spec.getName() + " failed: " + DockerContainers.reason(e), e);
        }
    }

    void remove(String serviceId) {
        try {
            docker.removeServiceCmd(serviceId).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new EngineException("removing service " + serviceId + " failed: " + DockerContainers.reason(e), e);
        }
    }

    boolean networkExists(String name) {
        try {
            return docker.listNetworksCmd().withNameFilter(name).exec().stream().anyMatch(n -> name.equals(n.getName()));
        } catch (RuntimeException e) {
            throw new EngineException("listing networks failed: " + DockerContainers.reason(e), e);
        }
    }

    /** Creates an attachable overlay network unless one of that name exists. */
    void ensureOverlay(String name, String driver, Map<String, String> options, boolean internal,
                       Map<String, String> labels) {
        if (networkExists(name)) {
            return;
        }
        try {
            docker.createNetworkCmd().withName(name).withDriver(driver).withOptions(options).withInternal(internal)
                    .withAttachable(true).withLabels(labels).withCheckDuplicate(true).exec();
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            // made meanwhile
        } catch (RuntimeException e) {
            throw new EngineException("creating overlay network " + name + " failed: " + DockerContainers.reason(e), e);
        }
    }

    /** Names of the networks carrying these labels. */
    List<String> networks(Map<String, String> labels) {
        try {
            List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            return docker.listNetworksCmd().withFilter("label", filter).exec().stream()
                    .map(com.github.dockerjava.api.model.Network::getName).toList();
        } catch (RuntimeException e) {
            throw new EngineException("listing networks failed: " + DockerContainers.reason(e), e);
        }
    }

    void removeNetwork(String name) {
        try {
            docker.removeNetworkCmd(name).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            throw new EngineException("removing network " + name + " failed: " + DockerContainers.reason(e), e);
        }
    }

    /** The id of the Swarm secret named {@code name}, created with {@code value} unless it exists. */
    String ensureSecret(String name, Map<String, String> labels, byte[] value) {
        return secretId(name).orElseGet(() -> createFile("/secrets/create", "secret", name, labels, value));
    }

    /** The id of the Swarm config named {@code name}, created with {@code value} unless it exists. */
    String ensureConfig(String name, Map<String, String> labels, byte[] value) {
        return configId(name).orElseGet(() -> createFile("/configs/create", "config", name, labels, value));
    }

    /** The id of the Swarm secret named exactly {@code name} (the name filter also matches a prefix), if any. */
    java.util.Optional<String> secretId(String name) {
        try {
            return docker.listSecretsCmd().withNameFilter(List.of(name)).exec().stream()
                    .filter(s -> s.getSpec() != null && name.equals(s.getSpec().getName()))
                    .map(com.github.dockerjava.api.model.Secret::getId).findFirst();
        } catch (RuntimeException e) {
            throw new EngineException("listing Swarm secrets failed: " + DockerContainers.reason(e), e);
        }
    }

    /** The id of the Swarm config named exactly {@code name}, if any. */
    java.util.Optional<String> configId(String name) {
        try {
            return docker.listConfigsCmd().withFilters(Map.of("name", List.of(name))).exec().stream()
                    .filter(c -> c.getSpec() != null && name.equals(c.getSpec().getName()))
                    .map(com.github.dockerjava.api.model.Config::getId).findFirst();
        } catch (RuntimeException e) {
            throw new EngineException("listing Swarm configs failed: " + DockerContainers.reason(e), e);
        }
    }

    /**
     * Creates a secret or config with the Engine API directly: its {@code Data} is the value's bytes in base64, so
     * a binary value arrives as it was (docker-java's secret spec carries text and encodes it once more). A
     * conflict means another pass made it meanwhile: its id is looked up. Errors name the object, never the value.
     */
    private String createFile(String path, String kind, String name, Map<String, String> labels, byte[] value) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("Name", name);
        body.put("Labels", labels);
        body.put("Data", java.util.Base64.getEncoder().encodeToString(value));
        DockerHttpClient.Request request;
        try {
            request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.POST).path(path)
                    .putHeader("Content-Type", "application/json")
                    .body(new java.io.ByteArrayInputStream(JSON.writeValueAsBytes(body))).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (DockerHttpClient.Response rsp = http.execute(request); InputStream in = rsp.getBody()) {
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (rsp.getStatusCode() == 201 || rsp.getStatusCode() == 200) {
                return JSON.readTree(answer).path("ID").asText();
            }
            if (rsp.getStatusCode() == 409) {
                return "secret".equals(kind) ? ensureSecret(name, labels, value) : ensureConfig(name, labels, value);
            }
            throw new EngineException("creating Swarm " + kind + " " + name + " failed: HTTP " + rsp.getStatusCode()
                    + " " + answer, null);
        } catch (IOException e) {
            throw new EngineException("creating Swarm " + kind + " " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes the secrets and configs carrying these labels; one still used by a service stays (and is named). */
    List<String> removeFiles(Map<String, String> labels) {
        List<String> left = new ArrayList<>();
        try {
            for (com.github.dockerjava.api.model.Secret s : docker.listSecretsCmd().withLabelFilter(labels).exec()) {
                removeQuietly(() -> docker.removeSecretCmd(s.getId()).exec(), "secret " + s.getSpec().getName(), left);
            }
            List<String> filter = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            for (com.github.dockerjava.api.model.Config c : docker.listConfigsCmd()
                    .withFilters(Map.of("label", filter)).exec()) {
                removeQuietly(() -> docker.removeConfigCmd(c.getId()).exec(), "config " + c.getSpec().getName(), left);
            }
        } catch (RuntimeException e) {
            throw new EngineException("listing Swarm secrets and configs failed: " + DockerContainers.reason(e), e);
        }
        return left;
    }

    private static void removeQuietly(Runnable remove, String what, List<String> left) {
        try {
            remove.run();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            left.add(what + " (" + DockerContainers.reason(e) + ")");
        }
    }

    Map<String, Node> nodes() {
        List<SwarmNode> nodes;
        try {
            nodes = docker.listSwarmNodesCmd().exec();
        } catch (RuntimeException e) {
            throw new EngineException("listing nodes failed: " + DockerContainers.reason(e), e);
        }
        Map<String, Node> out = new HashMap<>();
        for (SwarmNode n : nodes) {
            String address = n.getStatus() == null ? null : n.getStatus().getAddress();
            // A manager may report 0.0.0.0 (or nothing) for itself: its advertised address is in ManagerStatus.
            if ((address == null || address.isBlank() || address.equals("0.0.0.0")) && n.getManagerStatus() != null
                    && n.getManagerStatus().getAddr() != null) {
                String addr = n.getManagerStatus().getAddr();
                address = addr.substring(0, addr.lastIndexOf(':') > 0 ? addr.lastIndexOf(':') : addr.length());
            }
            boolean ready = n.getStatus() != null && n.getStatus().getState() != null
                    && n.getStatus().getState().name().equalsIgnoreCase("ready");
            var description = n.getDescription();
            String hostname = description == null ? n.getId() : description.getHostname();
            var spec = n.getSpec();
            String role = spec == null || spec.getRole() == null ? "" : spec.getRole().name().toLowerCase(java.util.Locale.ROOT);
            boolean active = spec != null && spec.getAvailability() != null
                    && spec.getAvailability().name().equalsIgnoreCase("active");
            var platform = description == null ? null : description.getPlatform();
            out.put(n.getId(), new Node(n.getId(), hostname, address, ready, role, active,
                    spec == null ? null : spec.getLabels(),
                    description == null || description.getEngine() == null ? null : description.getEngine().getLabels(),
                    platform == null ? null : platform.getOs(), platform == null ? null : platform.getArchitecture()));
        }
        return out;
    }

    /** The id of the node whose engine the runner talks to (a manager). */
    String localNodeId() {
        try {
            var swarm = docker.infoCmd().exec().getSwarm();
            return swarm == null || swarm.getNodeID() == null ? "" : swarm.getNodeID();
        } catch (RuntimeException e) {
            throw new EngineException("reading the manager's node id failed: " + DockerContainers.reason(e), e);
        }
    }

    /**
     * Adds and removes labels of a node, keeping its role, availability and other labels. The manager refuses an
     * update made on an older version of the node (another update came between): read again and retried.
     */
    void relabelNode(String nodeId, Map<String, String> add, java.util.Collection<String> remove) {
        for (int attempt = 1; ; attempt++) {
            try {
                SwarmNode node = docker.listSwarmNodesCmd().withIdFilter(List.of(nodeId)).exec().stream()
                        .filter(n -> nodeId.equals(n.getId())).findFirst().orElse(null);
                if (node == null) {
                    return; // the node left the swarm: nothing to label
                }
                var spec = node.getSpec();
                Map<String, String> labels = new HashMap<>(spec.getLabels() == null ? Map.of() : spec.getLabels());
                labels.putAll(add);
                remove.forEach(labels::remove);
                docker.updateSwarmNodeCmd().withSwarmNodeId(nodeId).withVersion(node.getVersion().getIndex())
                        .withSwarmNodeSpec(spec.withLabels(labels)).exec();
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3) {
                    throw new EngineException("labelling node " + nodeId + " failed: " + DockerContainers.reason(e), e);
                }
            }
        }
    }

    /**
     * Removes a volume of the manager's own engine; a worker's volumes are not reachable through the manager's
     * API. Answers false while a container (a task being stopped) still uses it.
     */
    boolean removeLocalVolume(String name) {
        try {
            docker.removeVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return true;
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            return false;
        } catch (RuntimeException e) {
            throw new EngineException("removing volume " + name + " failed: " + DockerContainers.reason(e), e);
        }
    }

    /**
     * The tasks of these services (ids), each with its published host ports. A service removed since it was
     * listed has none (the manager refuses a filter naming a service it no longer has: each is then asked alone).
     */
    List<Task> tasks(List<String> serviceIds) {
        if (serviceIds.isEmpty()) {
            return List.of();
        }
        try {
            return tasksOf(serviceIds);
        } catch (ServiceGone e) {
            List<Task> out = new ArrayList<>();
            for (String id : serviceIds) {
                try {
                    out.addAll(tasksOf(List.of(id)));
                } catch (ServiceGone gone) {
                    // removed meanwhile: no tasks
                }
            }
            return out;
        }
    }

    /** The manager answered 404: a service of the filter is gone. */
    private static final class ServiceGone extends EngineException {
        private static final long serialVersionUID = 1L;

        ServiceGone(String message) {
            super(message, null);
        }
    }

    private List<Task> tasksOf(List<String> serviceIds) {
        String filters;
        try {
            filters = JSON.writeValueAsString(Map.of("service", serviceIds));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/tasks?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8))
                .build();
        JsonNode body;
        try (DockerHttpClient.Response rsp = http.execute(request); InputStream in = rsp.getBody()) {
            if (rsp.getStatusCode() == 404) {
                throw new ServiceGone(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
            }
            if (rsp.getStatusCode() != 200) {
                throw new EngineException("listing tasks failed: HTTP " + rsp.getStatusCode() + " "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8).strip(), null);
            }
            body = JSON.readTree(in);
        } catch (IOException | RuntimeException e) {
            if (e instanceof EngineException ee) {
                throw ee;
            }
            throw new EngineException("listing tasks failed: " + e.getMessage(), e);
        }
        List<Task> out = new ArrayList<>();
        for (JsonNode t : body) {
            out.add(task(t));
        }
        return out;
    }

    /** A task of {@code GET /tasks}. */
    static Task task(JsonNode t) {
        JsonNode status = t.path("Status");
        Map<Integer, Integer> ports = new HashMap<>();
        for (JsonNode p : status.path("PortStatus").path("Ports")) {
            if ("host".equals(p.path("PublishMode").asText()) && p.path("PublishedPort").asInt() > 0) {
                // A node's engine binds a host-mode port once for IPv4 (listed first) and once for IPv6, and may give
                // the two different numbers; the router reaches the node at its IPv4 address, so the first one.
                ports.putIfAbsent(p.path("TargetPort").asInt(), p.path("PublishedPort").asInt());
            }
        }
        Instant created;
        try {
            created = Instant.parse(t.path("CreatedAt").asText());
        } catch (DateTimeParseException e) {
            created = Instant.EPOCH;
        }
        return new Task(t.path("ID").asText(), t.path("ServiceID").asText(), t.path("Slot").asInt(),
                t.path("NodeID").asText(""), "running".equals(t.path("DesiredState").asText()),
                status.path("State").asText(""), status.path("Err").asText(""),
                status.path("ContainerStatus").path("ExitCode").asInt(0), ports, created);
    }

    /**
     * Calls {@code listener} on every service and node event (a node going down, a service changed), subscribing
     * again whenever the stream ends. Best effort: the reconciler also polls.
     */
    AutoCloseable onEvents(Runnable listener) {
        return DockerEvents.follow("Swarm", () -> docker.eventsCmd().withEventTypeFilter("node", "service"),
                event -> listener.run());
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("Closing the Docker client: {}", e.toString());
        }
    }
}
