package io.jenkins.plugins.slipway.runner.engine.swarm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ContainerDNSConfig;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Driver;
import com.github.dockerjava.api.model.TaskSpec;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The container settings of a Compose service ({@link ContainerSettings} and {@code read_only}) on a Swarm task,
 * as {@code docker stack deploy} sets them; what a Swarm task cannot carry is refused at deploy ({@link #refusals}),
 * never dropped: a service that asked for {@code user: 1000} must not run as root on this engine.
 */
final class SwarmTaskSettings {
    /** The one {@code network_mode} a task can have: the node's default bridge, which a task joined to no network gets. */
    static final String BRIDGE = "bridge";

    private SwarmTaskSettings() {
    }

    /** Sets what the service asks for on the task's container and template. */
    static void apply(ServiceSpec s, Container container, TaskSpec task) {
        ContainerSettings c = s.settings();
        if (c.user() != null) {
            container.withUser(c.user());
        }
        if (c.workingDir() != null) {
            container.withDir(c.workingDir());
        }
        if (c.hostname() != null) {
            container.withHostname(c.hostname());
        }
        if (!c.extraHosts().isEmpty()) {
            container.withHosts(c.extraHosts().stream().map(SwarmTaskSettings::hostsLine).toList());
        }
        if (!c.dns().isEmpty() || !c.dnsSearch().isEmpty()) {
            ContainerDNSConfig dns = new ContainerDNSConfig();
            if (!c.dns().isEmpty()) {
                dns.withNameservers(c.dns());
            }
            if (!c.dnsSearch().isEmpty()) {
                dns.withSearch(c.dnsSearch());
            }
            container.withDnsConfig(dns);
        }
        if (c.init() != null) {
            container.withInit(c.init());
        }
        if (c.stopSignal() != null) {
            container.withStopSignal(c.stopSignal());
        }
        if (s.wiring().readOnly()) {
            container.withReadOnly(true);
        }
        container.capabilityAdd.addAll(capabilities(c.capAdd()));
        container.capabilityDrop.addAll(capabilities(c.capDrop()));
        c.ulimits().forEach((name, u) -> container.ulimits.add(new Ulimit(name, u.soft(), u.hard())));
        container.sysctls.putAll(c.sysctls());
        if (c.logging() != null) {
            task.withLogDriver(new Driver().withName(c.logging().driver()).withOptions(c.logging().options()));
        }
    }

    /**
     * What of the service's container settings a Swarm task has no field for, by field path, with what to do
     * instead. ({@code docker stack deploy} skips them with a warning; here the deploy is refused.)
     */
    static List<ApiError.Problem> refusals(ServiceSpec s) {
        String path = "services." + s.name();
        ContainerSettings c = s.settings();
        List<ApiError.Problem> out = new ArrayList<>();
        if (c.privileged()) {
            out.add(refused(path + ".privileged", "privileged", "a Swarm task cannot be privileged;"
                    + " give it the capabilities it needs with cap_add"));
        }
        if (!c.devices().isEmpty()) {
            out.add(refused(path + ".devices", "devices " + c.devices(), "a Swarm task cannot map host devices;"
                    + " reserve GPUs with deploy.resources.reservations.generic_resources"));
        }
        if (c.reservations() != null && !c.reservations().devices().isEmpty()) {
            out.add(refused(path + ".deploy.resources.reservations.devices", "device reservations",
                    "Swarm schedules GPUs as the nodes' generic resources: use"
                            + " generic_resources: [{discrete_resource_spec: {kind: NVIDIA-GPU, value: 1}}]"));
        }
        if (!c.securityOpt().isEmpty()) {
            out.add(refused(path + ".security_opt", "security_opt " + c.securityOpt(),
                    "a Swarm task has no security options"));
        }
        if (c.pid() != null) {
            out.add(refused(path + ".pid", "pid: " + c.pid(), "a Swarm task has its own process namespace"));
        }
        if (c.ipc() != null) {
            out.add(refused(path + ".ipc", "ipc: " + c.ipc(), "a Swarm task has its own IPC namespace"));
        }
        if (c.networkMode() != null && !BRIDGE.equals(c.networkMode())) {
            out.add(refused(path + ".network_mode", "network_mode: " + c.networkMode(), "a Swarm task joins"
                    + " the app's networks, or with network_mode: bridge the node's default bridge only"));
        }
        if (c.shmSizeBytes() > 0) {
            out.add(refused(path + ".shm_size", "shm_size", "a Swarm task cannot size /dev/shm;"
                    + " mount a tmpfs with a size there (tmpfs: [\"/dev/shm:size=64m\"])"));
        }
        if (c.domainname() != null) {
            out.add(refused(path + ".domainname", "domainname " + c.domainname(),
                    "a Swarm task has no domain name setting"));
        }
        s.wiring().published().forEach(p -> out.add(refused(path + ".ports", "host port " + p.hostPort() + " (to "
                + p.containerPort() + ")", "the swarm engine publishes every port on a port each node picks, where"
                + " the router reaches it; serve it on a fixed port with x-slipway.route.port")));
        return out;
    }

    private static ApiError.Problem refused(String path, String what, String why) {
        return new ApiError.Problem(path, what + " is refused by --engine swarm: " + why);
    }

    /** Compose's {@code host:address} as the {@code /etc/hosts} line Swarm takes: {@code address host}. */
    static String hostsLine(String extraHost) {
        int colon = extraHost.indexOf(':');
        return extraHost.substring(colon + 1) + " " + extraHost.substring(0, colon);
    }

    /** {@code CAP_NET_ADMIN}, as the Docker CLI sends them: the manager compares task specs as written. */
    private static List<String> capabilities(List<String> names) {
        return names.stream().map(n -> n.toUpperCase(Locale.ROOT))
                .map(n -> n.equals("ALL") || n.startsWith("CAP_") ? n : "CAP_" + n).toList();
    }

    /** docker-java's container spec with the fields of API 1.40/1.41 it lacks: capabilities, ulimits, sysctls. */
    static final class Container extends ContainerSpec {
        private static final long serialVersionUID = 1L;
        private final List<String> capabilityAdd = new ArrayList<>();
        private final List<String> capabilityDrop = new ArrayList<>();
        private final List<Ulimit> ulimits = new ArrayList<>();
        private final Map<String, String> sysctls = new LinkedHashMap<>();

        @JsonProperty("CapabilityAdd")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<String> getCapabilityAdd() {
            return capabilityAdd;
        }

        @JsonProperty("CapabilityDrop")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<String> getCapabilityDrop() {
            return capabilityDrop;
        }

        @JsonProperty("Ulimits")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<Ulimit> getUlimits() {
            return ulimits;
        }

        @JsonProperty("Sysctls")
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public Map<String, String> getSysctls() {
            return sysctls;
        }
    }

    /** One entry of a task's {@code Ulimits}. */
    record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") long soft, @JsonProperty("Hard") long hard) {
    }
}
