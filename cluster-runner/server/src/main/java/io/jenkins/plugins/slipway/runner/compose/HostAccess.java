package io.jenkins.plugins.slipway.runner.compose;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a deploy may ask of the host, as the runner was started ({@code serve --allow-bind-mounts PREFIX},
 * {@code --allow-privileged}): whoever holds a deploy token must not get the host through a bind mount of
 * {@code /} or a privileged container unless the runner's operator said so. Checked at every deploy and
 * validation; stored revisions are not checked again.
 *
 * @param bindMountPrefixes host paths under which bind mounts are allowed; empty refuses them all
 * @param privileged        whether the keys of {@link ComposeKeys#PRIVILEGED} are allowed
 * @param publishAddress    where ports with a host port are published; a file may name this address or a
 *                          loopback one, not a wider one
 */
public record HostAccess(List<Path> bindMountPrefixes, boolean privileged, String publishAddress) {
    /** The defaults: no bind mount, nothing privileged, ports published on loopback. */
    public static final HostAccess DEFAULT = new HostAccess(List.of(), false, "127.0.0.1");

    public HostAccess {
        bindMountPrefixes = bindMountPrefixes.stream().map(b -> b.toAbsolutePath().normalize()).toList();
    }

    /** Every problem of {@code spec} under these rules, with its field path; empty when it may run. */
    public List<ApiError.Problem> check(AppSpec spec) {
        List<ApiError.Problem> out = new ArrayList<>();
        for (ServiceSpec s : spec.services().values()) {
            String path = "services." + s.name();
            for (ServiceWiring.Mount m : s.wiring().mounts()) {
                if (m.type() == ServiceWiring.Mount.Type.BIND && !bindAllowed(m.source())) {
                    out.add(new ApiError.Problem(path + ".volumes", "bind mount of host path " + m.source()
                            + " refused: it would give whoever deploys access to the host; start the runner with"
                            + " serve --allow-bind-mounts PATH-PREFIX to allow host paths under a prefix, or use a"
                            + " named volume"));
                }
            }
            for (ServiceWiring.PublishedPort port : s.wiring().published()) {
                String ip = port.hostIp();
                if (ip != null && !ip.equals(publishAddress) && !ip.startsWith("127.") && !ip.equals("::1")) {
                    out.add(new ApiError.Problem(path + ".ports", "host address " + ip + " refused: this runner"
                            + " publishes on " + publishAddress + " (serve --publish-address)"));
                }
            }
            if (!privileged) {
                privilegedKeys(s.settings()).forEach((key, value) -> out.add(new ApiError.Problem(path + "." + key,
                        value + " refused: it gives the container power over the host; start the runner with"
                                + " serve --allow-privileged to allow it")));
            }
        }
        return out;
    }

    private boolean bindAllowed(String source) {
        if (source == null || !source.startsWith("/")) {
            return false; // relative paths name the deployer's files, which are not on the runner's host
        }
        Path p = Path.of(source).normalize();
        return bindMountPrefixes.stream().anyMatch(p::startsWith);
    }

    /** The privileged keys a service sets, with what it sets them to. */
    private static Map<String, String> privilegedKeys(ContainerSettings s) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (s.privileged()) {
            out.put("privileged", "privileged: true");
        }
        if (!s.capAdd().isEmpty()) {
            out.put("cap_add", "cap_add " + s.capAdd());
        }
        if (!s.devices().isEmpty()) {
            out.put("devices", "devices " + s.devices());
        }
        if (!s.securityOpt().isEmpty()) {
            out.put("security_opt", "security_opt " + s.securityOpt());
        }
        List<String> hostSysctls = s.sysctls().keySet().stream().filter(k -> !k.startsWith("net.")).toList();
        if (!hostSysctls.isEmpty()) {
            out.put("sysctls", "sysctls outside the network namespace " + hostSysctls);
        }
        if ("host".equals(s.pid())) {
            out.put("pid", "pid: host");
        }
        if ("host".equals(s.ipc())) {
            out.put("ipc", "ipc: host");
        }
        if ("host".equals(s.networkMode())) {
            out.put("network_mode", "network_mode: host");
        }
        return out;
    }
}
